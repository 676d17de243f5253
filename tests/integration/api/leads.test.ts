import { describe, expect, inject, it } from 'vitest'
import { signUp, unique, type Json } from '../../support/http'

const baseURL = inject('baseURL')

describe('leads', () => {
  it('captures a lead with its score and reasons, best first in the list', async () => {
    const { client } = await signUp(baseURL)
    const hot = await client.post('/api/v1/leads', { name: 'Ana Ortiz', email: 'ana@globex.com', company: 'Globex', title: 'VP Sales', source: 'referral' })
    expect(hot.status).toBe(201)
    expect(hot.body).toMatchObject({ score: 70, status: 'open', scoreReasons: ['referral source (+25)', 'senior title (VP Sales) (+20)', 'business email (+15)', 'company named (+10)'] })
    await client.post('/api/v1/leads', { name: 'Cold Call', source: 'outbound' })
    expect((await client.get('/api/v1/leads')).body.data.map((l: Json) => l.score)).toEqual([70, 5])
    expect((await client.post('/api/v1/leads', { name: '', email: 'x' })).body.data.issues.map((i: Json) => i.path).sort()).toEqual(['email', 'name'])
  })

  it('converts a lead into an account, a contact and a deal once, linking an account that exists', async () => {
    const { client } = await signUp(baseURL)
    const existing = (await client.post('/api/v1/accounts', { name: 'Initech', domain: 'initech.example' })).body
    const lead = (await client.post('/api/v1/leads', { name: 'Peter Gibbons', email: `peter.${unique('p')}@initech.example`, company: 'initech', source: 'inbound' })).body
    const converted = await client.post(`/api/v1/leads/${lead.id}/convert`, { amount: 12000, closeDate: '2027-02-28' })
    expect(converted.status).toBe(200)
    expect(converted.body.account.id).toBe(existing.id)
    expect(converted.body.contact).toMatchObject({ firstName: 'Peter', lastName: 'Gibbons', accountId: existing.id })
    expect(converted.body.deal).toMatchObject({ name: 'Initech — new business', amount: '12000.00', stage: 'new', accountId: existing.id, source: 'inbound' })
    const deal = (await client.get(`/api/v1/contacts/${converted.body.contact.id}`)).body.deals
    expect(deal.map((d: Json) => d.id)).toEqual([converted.body.deal.id])
    const again = await client.post(`/api/v1/leads/${lead.id}/convert`, {})
    expect(again.status).toBe(409)
    expect(again.body.data).toEqual({ error: 'already_converted', dealId: converted.body.deal.id })
    expect((await client.get('/api/v1/leads?status=converted')).body.data.map((l: Json) => l.id)).toEqual([lead.id])
  })
})
