import { describe, expect, inject, it } from 'vitest'
import { signUp } from '../../support/http'

const baseURL = inject('baseURL')

describe('custom fields', () => {
  it('lets an admin define fields per record type, and validates records against them', async () => {
    const { client } = await signUp(baseURL)
    const defined = await client.request('PUT', '/api/v1/custom-fields/deal', { fields: [
      { key: 'region', label: 'Region', type: 'select', options: ['emea', 'amer'], required: true },
      { key: 'seats', label: 'Seats', type: 'number' },
    ] })
    expect(defined.status).toBe(200)
    expect((await client.get('/api/v1/custom-fields')).body.data.deal.map((f: { key: string }) => f.key)).toEqual(['region', 'seats'])

    const missing = await client.post('/api/v1/deals', { name: 'No region', amount: 1 })
    expect(missing.status).toBe(400)
    expect(missing.body.data.issues).toEqual([{ path: 'custom.region', message: 'Region is required' }])
    const deal = await client.post('/api/v1/deals', { name: 'EMEA deal', amount: 1, custom: { region: 'emea', seats: 12 } })
    expect(deal.body.custom).toEqual({ region: 'emea', seats: 12 })
    const patched = await client.patch(`/api/v1/deals/${deal.body.id}`, { custom: { seats: 20 } })
    expect(patched.body.custom).toEqual({ region: 'emea', seats: 20 })
    const bad = await client.patch(`/api/v1/deals/${deal.body.id}`, { custom: { seats: 'many', color: 'red' } })
    expect(bad.body.data.issues).toEqual([
      { path: 'custom.seats', message: 'must be a number' },
      { path: 'custom.color', message: 'no such field' },
    ])
    expect((await client.get(`/api/v1/deals/${deal.body.id}`)).body).not.toHaveProperty('custom.color')

    const account = await client.post('/api/v1/accounts', { name: 'Acme', custom: { tier: 'gold' } })
    expect(account.body.data.issues).toEqual([{ path: 'custom.tier', message: 'no such field' }])
    expect(
      (await client.request('PUT', '/api/v1/custom-fields/deal', { fields: [{ key: 'x', label: 'X', type: 'select' }] })).body.data.issues,
    ).toEqual([{ path: 'fields.0.options', message: 'a select field needs options' }])
  })

  it('keeps custom values on accounts, contacts and leads, which their detail answers carry', async () => {
    const { client } = await signUp(baseURL)
    for (const entity of ['account', 'contact', 'lead']) {
      const put = await client.request('PUT', `/api/v1/custom-fields/${entity}`, { fields: [{ key: 'tier', label: 'Tier', type: 'text' }] })
      expect(put.status).toBe(200)
    }
    const account = await client.post('/api/v1/accounts', { name: 'Tiered', custom: { tier: 'gold' } })
    const contact = await client.post('/api/v1/contacts', { firstName: 'Tia', custom: { tier: 'silver' } })
    const lead = await client.post('/api/v1/leads', { name: 'Lee', custom: { tier: 'bronze' } })
    expect((await client.get(`/api/v1/accounts/${account.body.id}`)).body.custom).toEqual({ tier: 'gold' })
    expect((await client.get(`/api/v1/contacts/${contact.body.id}`)).body.custom).toEqual({ tier: 'silver' })
    expect((await client.get(`/api/v1/leads/${lead.body.id}`)).body.custom).toEqual({ tier: 'bronze' })
    const cleared = await client.patch(`/api/v1/accounts/${account.body.id}`, { custom: { tier: null } })
    expect(cleared.body.custom).toEqual({})
  })
})

describe('industries', () => {
  it('lists each industry of the tenant\'s accounts once whatever its case, by name, and none of another tenant\'s', async () => {
    const { client } = await signUp(baseURL)
    const other = await signUp(baseURL)
    for (const industry of ['software', 'Software', 'Healthcare', null])
      await client.post('/api/v1/accounts', { name: `A ${industry}`, industry })
    await other.client.post('/api/v1/accounts', { name: 'Elsewhere', industry: 'Mining' })
    const answer = await client.get('/api/v1/industries')
    expect(answer.status).toBe(200)
    expect(answer.body.data).toHaveLength(2)
    expect(answer.body.data.map((i: string) => i.toLowerCase())).toEqual(['healthcare', 'software'])
    expect((await other.client.get('/api/v1/industries')).body.data).toEqual(['Mining'])
  })
})
