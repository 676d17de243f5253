import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, unique, type Json } from '../../support/http'

const baseURL = inject('baseURL')
let integration: Client
let rep: Client
let deal: Json
beforeAll(async () => {
  const admin = await new Client(baseURL).login(DEMO_LOGINS[0].email, DEMO_PASSWORD)
  const key = (await admin.post('/api/v1/api-keys', { name: 'events test', scopes: ['write'] })).body.key
  integration = new Client(baseURL, { authorization: `Bearer ${key}` })
  rep = await new Client(baseURL).login(DEMO_LOGINS[2].email, DEMO_PASSWORD)
  deal = (await rep.get('/api/v1/deals?limit=1')).body.data[0]
})

const event = (externalId: string, extra: Record<string, unknown> = {}) => ({
  type: 'meeting_held', occurredAt: new Date().toISOString(), source: 'calendar', externalId,
  actor: { email: DEMO_LOGINS[2].email }, subject: { dealId: deal.id }, ...extra,
})

describe('POST /api/v1/events', () => {
  it('stores a batch once, however often it is sent, and shows it on the deal\'s timeline', async () => {
    const prefix = unique('cal')
    const batch = { events: Array.from({ length: 25 }, (_, i) => event(`${prefix}-${i}`)) }
    expect((await integration.post('/api/v1/events', batch)).body).toEqual({ inserted: 25, duplicates: 0 })
    expect((await integration.post('/api/v1/events', batch)).body).toEqual({ inserted: 0, duplicates: 25 })
    const timeline = (await rep.get(`/api/v1/deals/${deal.id}/timeline?limit=500`)).body.data
    expect(timeline.filter((e: Json) => e.externalId?.startsWith(prefix))).toHaveLength(25)
  })

  it('refuses a batch with bad items, naming each, and stores none of it', async () => {
    const prefix = unique('bad')
    const answer = await integration.post('/api/v1/events', {
      events: [event(`${prefix}-0`), event(`${prefix}-1`, { occurredAt: 'yesterday' }), event(`${prefix}-2`, { type: 'fax' })],
    })
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues.map((i: Json) => [i.index, i.path])).toEqual([[1, 'occurredAt'], [2, 'type']])
    const timeline = (await rep.get(`/api/v1/deals/${deal.id}/timeline?limit=500`)).body.data
    expect(timeline.filter((e: Json) => e.externalId?.startsWith(prefix))).toEqual([])
  })

  it('logs a rep\'s call from the app onto the deal, with duration and outcome', async () => {
    const answer = await rep.post('/api/v1/activities', { type: 'call', dealId: deal.id, durationSeconds: 420, outcome: 'connected' })
    expect(answer.status).toBe(201)
    const [latest] = (await rep.get(`/api/v1/deals/${deal.id}/timeline?limit=1`)).body.data
    expect(latest).toMatchObject({ type: 'call', source: 'direct', metadata: { durationSeconds: 420, outcome: 'connected' } })
    const bad = await rep.post('/api/v1/activities', { type: 'note', dealId: deal.id })
    expect(bad.body.data.issues).toEqual([{ path: 'body', message: 'a note needs a body' }])
  })
})

describe('who an event is from', () => {
  it('makes a signed-in rep the actor of what they post: another user as actor, by id or email, is a 400 naming actor', async () => {
    const admin = await new Client(baseURL).login(DEMO_LOGINS[0].email, DEMO_PASSWORD)
    const people = (await admin.get('/api/v1/users')).body.data as Json[]
    const me = people.find(p => p.email === DEMO_LOGINS[2].email)
    const other = people.find(p => p.email === DEMO_LOGINS[3].email)
    const base = { type: 'call', occurredAt: new Date().toISOString(), source: 'direct', subject: { dealId: deal.id } }
    for (const actor of [{ userId: other.id }, { email: DEMO_LOGINS[3].email }]) {
      const forged = await rep.post('/api/v1/events', { ...base, externalId: unique('forged'), actor })
      expect(forged.status).toBe(400)
      expect(forged.body.data.issues).toEqual([expect.objectContaining({ index: 0, path: 'actor' })])
    }
    const externalId = unique('mine')
    expect((await rep.post('/api/v1/events', { ...base, externalId })).status).toBe(200)
    const timeline = (await rep.get(`/api/v1/deals/${deal.id}/timeline?limit=500`)).body.data as Json[]
    expect(timeline.find(e => e.externalId === externalId)).toMatchObject({ actorUserId: me.id })
    // An integration's key may name the reps its creator (an admin) sees.
    expect((await integration.post('/api/v1/events', { ...base, externalId: unique('key'), actor: { userId: other.id } })).status).toBe(200)
  })

  it('refuses provider sources on the API, for people and keys alike: they belong to the built-in integrations', async () => {
    for (const source of ['sendgrid', 'mailgun', 'postmark', 'salesforce', 'import', 'SendGrid']) {
      for (const client of [rep, integration]) {
        const answer = await client.post('/api/v1/events', {
          type: 'email_opened',
          occurredAt: new Date().toISOString(),
          source,
          externalId: unique('src'),
          subject: { dealId: deal.id },
        })
        expect(answer.status, source).toBe(400)
        expect(answer.body.data.issues[0]).toMatchObject({ index: 0, path: 'source' })
      }
    }
  })
})
