import { describe, expect, inject, it } from 'vitest'
import { signUp, unique, type Json } from '../../support/http'

const baseURL = inject('baseURL')

describe('leads', () => {
  it('captures a lead with its score and reasons, best first in the list', async () => {
    const { client } = await signUp(baseURL)
    const hot = await client.post('/api/v1/leads', {
      name: 'Ana Ortiz',
      email: 'ana@globex.com',
      company: 'Globex',
      title: 'VP Sales',
      source: 'referral',
    })
    expect(hot.status).toBe(201)
    expect(hot.body).toMatchObject({
      score: 70,
      status: 'open',
      scoreReasons: ['referral source (+25)', 'senior title (VP Sales) (+20)', 'business email (+15)', 'company named (+10)'],
    })
    await client.post('/api/v1/leads', { name: 'Cold Call', source: 'outbound' })
    expect((await client.get('/api/v1/leads')).body.data.map((l: Json) => l.score)).toEqual([70, 5])
    expect((await client.post('/api/v1/leads', { name: '', email: 'x' })).body.data.issues.map((i: Json) => i.path).sort()).toEqual([
      'email',
      'name',
    ])
  })

  it('converts a lead into an account, a contact and a deal once, linking an account that exists', async () => {
    const { client } = await signUp(baseURL)
    const existing = (await client.post('/api/v1/accounts', { name: 'Initech', domain: 'initech.example' })).body
    const lead = (
      await client.post('/api/v1/leads', {
        name: 'Peter Gibbons',
        email: `peter.${unique('p')}@initech.example`,
        company: 'initech',
        source: 'inbound',
      })
    ).body
    const converted = await client.post(`/api/v1/leads/${lead.id}/convert`, { amount: 12000, closeDate: '2027-02-28' })
    expect(converted.status).toBe(200)
    expect(converted.body.account.id).toBe(existing.id)
    expect(converted.body.contact).toMatchObject({ firstName: 'Peter', lastName: 'Gibbons', accountId: existing.id })
    expect(converted.body.deal).toMatchObject({
      name: 'Initech — new business',
      amount: '12000.00',
      stage: 'new',
      accountId: existing.id,
      source: 'inbound',
    })
    const deal = (await client.get(`/api/v1/contacts/${converted.body.contact.id}`)).body.deals
    expect(deal.map((d: Json) => d.id)).toEqual([converted.body.deal.id])
    const again = await client.post(`/api/v1/leads/${lead.id}/convert`, {})
    expect(again.status).toBe(409)
    expect(again.body.data).toEqual({ error: 'already_converted', dealId: converted.body.deal.id })
    expect((await client.get('/api/v1/leads?status=converted')).body.data.map((l: Json) => l.id)).toEqual([lead.id])
  })

  it('finds leads by name, company or email, filters by status and source, sorts and pages every lead once', async () => {
    const { client } = await signUp(baseURL)
    for (const [name, company, source] of [
      ['Zoe Adams', 'Acme', 'referral'],
      ['Yuri Brown', 'Bolt', 'event'],
      ['Xena Clark', 'Acme Labs', 'outbound'],
    ] as const) {
      expect(
        (
          await client.post('/api/v1/leads', {
            name,
            company,
            source,
            email: `${name.split(' ')[0]!.toLowerCase()}@${company.replace(' ', '').toLowerCase()}.example`,
          })
        ).status,
      ).toBe(201)
    }
    expect((await client.get('/api/v1/leads?q=acme')).body.data.map((l: Json) => l.name).sort()).toEqual(['Xena Clark', 'Zoe Adams'])
    expect((await client.get('/api/v1/leads?q=yuri@')).body.data.map((l: Json) => l.name)).toEqual(['Yuri Brown'])
    expect((await client.get('/api/v1/leads?source=event')).body.data.map((l: Json) => l.name)).toEqual(['Yuri Brown'])
    expect((await client.get('/api/v1/leads?sort=name')).body.data.map((l: Json) => l.name)).toEqual([
      'Xena Clark',
      'Yuri Brown',
      'Zoe Adams',
    ])
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: Json = (await client.get(`/api/v1/leads?sort=score&limit=1${cursor ? `&cursor=${cursor}` : ''}`)).body
      seen.push(...page.data.map((l: Json) => l.name))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(['Zoe Adams', 'Yuri Brown', 'Xena Clark'])
    expect((await client.get('/api/v1/leads?sort=bogus')).body.data.issues.map((i: Json) => i.path)).toEqual(['sort'])
  })

  it('edits a lead and scores it again, keeps its engagement, refuses bad fields and a converted lead', async () => {
    const { client } = await signUp(baseURL)
    const lead = (await client.post('/api/v1/leads', { name: 'Sam Lee', source: 'outbound', engagement: { meetingRequested: true } })).body
    expect(lead.score).toBe(25)
    const edited = await client.patch(`/api/v1/leads/${lead.id}`, { title: 'Head of Ops', company: 'Lee & Co' })
    expect(edited.status).toBe(200)
    expect(edited.body).toMatchObject({
      score: 55,
      scoreReasons: ['senior title (Head of Ops) (+20)', 'asked for a meeting (+20)', 'company named (+10)', 'outbound source (+5)'],
    })
    expect((await client.get(`/api/v1/leads/${lead.id}`)).body).toMatchObject({
      title: 'Head of Ops',
      score: 55,
      engagement: { meetingRequested: true },
    })
    const bad = await client.patch(`/api/v1/leads/${lead.id}`, { email: 'nope', status: 'converted' })
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues.map((i: Json) => i.path).sort()).toEqual(['email', 'status'])
    expect((await client.get(`/api/v1/leads/${lead.id}`)).body.email).toBeNull()
    expect((await client.patch(`/api/v1/leads/${lead.id}`, { status: 'disqualified' })).body.status).toBe('disqualified')
    await client.patch(`/api/v1/leads/${lead.id}`, { status: 'open' })
    await client.post(`/api/v1/leads/${lead.id}/convert`, {})
    expect((await client.patch(`/api/v1/leads/${lead.id}`, { name: 'Too late' })).status).toBe(409)
  })
})
