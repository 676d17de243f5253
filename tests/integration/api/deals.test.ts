import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, signUp, type Json } from '../../support/http'

const baseURL = inject('baseURL')
const [admin, manager, riley, sam] = DEMO_LOGINS
const as = (login: { email: string }) => new Client(baseURL).login(login.email, DEMO_PASSWORD)

let rep: Client
let other: Client
let people: Json[]
beforeAll(async () => {
  rep = await as(riley)
  other = await as(sam)
  people = (await rep.get('/api/v1/users')).body.data
})
const idOf = (email: string) => people.find(p => p.email === email).id
const timeline = async (client: Client, id: string) => (await client.get(`/api/v1/deals/${id}/timeline?limit=100`)).body.data as Json[]

describe('deals over HTTP', () => {
  it('creates a deal the rep owns, with its deal_created event', async () => {
    const created = await rep.post('/api/v1/deals', { name: 'Globex renewal', amount: '48000.50', closeDate: '2027-03-31' })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      name: 'Globex renewal',
      amount: '48000.50',
      currency: 'USD',
      stage: 'new',
      ownerId: idOf(riley.email),
      closeDate: '2027-03-31',
    })
    expect((await timeline(rep, created.body.id)).map(e => e.type)).toEqual(['deal_created'])
  })

  it('answers the 360 view: account, contacts with their engagement, score with reasons and trend, next tasks', async () => {
    const account = (await rep.post('/api/v1/accounts', { name: 'Vandelay Industries', domain: 'vandelay.example' })).body
    const art = (
      await rep.post('/api/v1/contacts', { firstName: 'Art', lastName: 'Vandelay', email: 'art@vandelay.example', accountId: account.id })
    ).body
    const kel = (await rep.post('/api/v1/contacts', { firstName: 'Kel', lastName: 'Varnsen', accountId: account.id })).body
    const deal = (
      await rep.post('/api/v1/deals', { name: 'Vandelay latex', amount: 7000, accountId: account.id, contactIds: [art.id, kel.id] })
    ).body
    await rep.post('/api/v1/events', {
      type: 'email_received',
      occurredAt: new Date().toISOString(),
      source: 'direct',
      subject: { dealId: deal.id, contactId: art.id },
    })
    await rep.post('/api/v1/events', {
      type: 'email_sent',
      occurredAt: new Date().toISOString(),
      source: 'direct',
      subject: { dealId: deal.id, contactId: art.id },
    })
    const view = await rep.get(`/api/v1/deals/${deal.id}`)
    expect(view.status).toBe(200)
    expect(view.body).toMatchObject({
      id: deal.id,
      name: 'Vandelay latex',
      account: { id: account.id, name: 'Vandelay Industries', domain: 'vandelay.example' },
      nextTasks: [],
    })
    expect(view.body.contacts.map((c: Json) => [c.firstName, c.inbound, c.outbound])).toEqual([['Art', 1, 1], ['Kel', 0, 0]])
    expect(view.body.contacts[0].lastInboundAt).not.toBeNull()
    // Not scored yet — or, if the background rescoring (about a second after an event) was quicker, scored.
    const score = view.body.score
    expect(Object.keys(score).sort()).toEqual(['change', 'reasons', 'state', 'trend', 'value', 'winProbability'])
    if (score.value === null) expect(score).toEqual({ value: null, winProbability: null, state: null, change: 0, reasons: [], trend: [] })
    else expect(score.value).toBe(Math.round(score.winProbability * 100))
    const replies = (await rep.get(`/api/v1/deals/${deal.id}/timeline?types=email_received,note`)).body.data
    expect(replies.map((e: Json) => e.type)).toEqual(['email_received'])
    expect((await rep.get(`/api/v1/deals/${deal.id}/timeline?types=gossip`)).body.data.issues).toEqual([
      { path: 'types', message: 'not event types: gossip' },
    ])
    const scored = (await rep.get(`/api/v1/deals/${(await rep.get('/api/v1/focus?limit=1')).body.data[0].deal.id}`)).body.score
    expect(scored.value).toEqual(expect.any(Number))
    expect(scored.reasons.length).toBeGreaterThan(0)
    expect(scored.trend.length).toBeGreaterThan(0)
  })

  it('refuses bad input field by field and writes nothing', async () => {
    const before = (await rep.get('/api/v1/deals?limit=500')).body.data.length
    const bad = await rep.post('/api/v1/deals', { name: '', amount: 'lots', currency: 'usd', closeDate: '31/03/2027', color: 'red' })
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues.map((i: Json) => i.path).sort()).toEqual(['', 'amount', 'closeDate', 'currency', 'name'])
    expect((await rep.post('/api/v1/deals', { name: 'For Sam', amount: 1, ownerId: idOf(sam.email) })).body.data.issues).toEqual([
      { path: 'ownerId', message: 'reps own the records they create' },
    ])
    const foreign = (await signUp(baseURL)).client
    const foreignAccount = (await foreign.get('/api/v1/deals')).body.data[0]?.accountId ?? '00000000-0000-4000-8000-000000000000'
    expect((await rep.post('/api/v1/deals', { name: 'X', amount: 1, accountId: foreignAccount })).body.data.issues).toEqual([
      { path: 'accountId', message: 'no such account' },
    ])
    expect((await rep.get('/api/v1/deals?limit=500')).body.data.length).toBe(before)
  })

  it('records amount and close-date changes, and keeps the stage out of PATCH', async () => {
    const deal = (await rep.post('/api/v1/deals', { name: 'Slip', amount: 1000, closeDate: '2026-12-15' })).body
    const patched = await rep.patch(`/api/v1/deals/${deal.id}`, { amount: 800, closeDate: '2027-01-31' })
    expect(patched.body).toMatchObject({ amount: '800.00', closeDate: '2027-01-31' })
    const updated = (await timeline(rep, deal.id)).find(e => e.type === 'deal_updated')
    expect(updated.metadata.changes).toEqual({ amount: { from: 1000, to: 800 }, closeDate: { from: '2026-12-15', to: '2027-01-31' } })
    const stage = await rep.patch(`/api/v1/deals/${deal.id}`, { stage: 'won' })
    expect(stage.body.data.issues).toEqual([{ path: 'stage', message: 'change the stage with POST /api/v1/deals/:id/stage' }])
  })

  it('moves a deal through allowed stages, refuses others with 409 and the allowed moves', async () => {
    const deal = (await rep.post('/api/v1/deals', { name: 'Mover', amount: 5 })).body
    const moved = await rep.post(`/api/v1/deals/${deal.id}/stage`, { to: 'contacted', reason: 'intro call' })
    expect(moved.body).toMatchObject({ stage: 'contacted' })
    const refused = await rep.post(`/api/v1/deals/${deal.id}/stage`, { to: 'won' })
    expect(refused.status).toBe(409)
    expect(refused.body.data).toEqual({ error: 'invalid_transition', from: 'contacted', to: 'won', allowed: ['qualified', 'lost'] })
    expect((await rep.post(`/api/v1/deals/${deal.id}/stage`, { to: 'closing' })).body.data.issues).toEqual([
      { path: 'to', message: 'no stage closing in this pipeline' },
    ])
    const changed = (await timeline(rep, deal.id)).filter(e => e.type === 'stage_changed')
    expect(changed.map(e => [e.metadata.from, e.metadata.to, e.metadata.reason])).toEqual([['new', 'contacted', 'intro call']])
  })

  it('gives 404 for another rep\'s deal on every deal route', async () => {
    const deal = (await other.post('/api/v1/deals', { name: 'Sam only', amount: 5 })).body
    expect((await rep.get(`/api/v1/deals/${deal.id}`)).status).toBe(404)
    expect((await rep.patch(`/api/v1/deals/${deal.id}`, { amount: 1 })).status).toBe(404)
    expect((await rep.post(`/api/v1/deals/${deal.id}/stage`, { to: 'contacted' })).status).toBe(404)
    expect((await rep.get(`/api/v1/deals/${deal.id}/timeline`)).status).toBe(404)
    expect((await (await as(manager)).get(`/api/v1/deals/${deal.id}`)).status).toBe(200)
  })

  it('sorts by amount and pages with a cursor, every deal once; filters by team and stage', async () => {
    const client = await as(admin)
    const seen: Json[] = []
    let cursor: string | null = null
    do {
      const page: Json = (await client.get(`/api/v1/deals?sort=amount&limit=70${cursor ? `&cursor=${cursor}` : ''}`)).body
      seen.push(...page.data)
      cursor = page.nextCursor
    } while (cursor)
    const all = (await client.get('/api/v1/deals?limit=500')).body.data
    expect(seen.map(d => d.id).sort()).toEqual(all.map((d: Json) => d.id).sort())
    expect(seen.map(d => Number(d.amount))).toEqual([...seen.map(d => Number(d.amount))].sort((a, b) => b - a))
    const teamId = people.find(p => p.email === riley.email).teamId
    const team = (await client.get(`/api/v1/deals?limit=500&teamId=${teamId}&stage=won`)).body.data
    expect(team.length).toBeGreaterThan(0)
    expect(team.every((d: Json) => d.stage === 'won' && d.ownerName !== 'Ada Admin')).toBe(true)
    expect((await client.get('/api/v1/deals?cursor=garbage')).status).toBe(400)
  })

  it('stops a free tenant at 100 open deals with 402 plan_limit', async () => {
    const { client } = await signUp(baseURL)
    for (let i = 0; i < 100; i++) expect((await client.post('/api/v1/deals', { name: `D${i}`, amount: 1 })).status).toBe(201)
    const over = await client.post('/api/v1/deals', { name: 'One too many', amount: 1 })
    expect(over.status).toBe(402)
    expect(over.body.data).toEqual({ error: 'plan_limit', resource: 'openDeals', limit: 100, used: 100 })
  })
})

describe('the pipeline configuration', () => {
  it('lets an admin add a stage and refuses a rep (403), a broken graph (400) and removing a stage in use (409)', async () => {
    const { client } = await signUp(baseURL)
    const stages = (await client.get('/api/v1/pipeline/stages')).body.data
    expect(stages[0]).toEqual({
      key: 'new',
      name: 'New',
      order: 1,
      probability: 5,
      forecastCategory: 'pipeline',
      kind: 'open',
      allowedNext: ['contacted', 'lost'],
    })
    const withDemo = stages.map((s: Json) => (s.key === 'contacted' ? { ...s, allowedNext: ['demo', 'lost'] } : s))
    withDemo.push({
      key: 'demo',
      name: 'Demo',
      order: 3,
      probability: 15,
      forecastCategory: 'pipeline',
      allowedNext: ['qualified', 'lost'],
    })
    const saved = await client.request('PUT', '/api/v1/pipeline/stages', {
      stages: withDemo.map((s: Json) => ({ ...s, order: s.key === 'demo' ? 25 : s.order * 10 })),
    })
    expect(saved.status).toBe(200)
    expect(saved.body.data.map((s: Json) => s.key)).toEqual([
      'new',
      'contacted',
      'demo',
      'qualified',
      'proposal',
      'negotiation',
      'won',
      'lost',
    ])

    const broken = await client.request('PUT', '/api/v1/pipeline/stages', {
      stages: stages.map((s: Json) => (s.key === 'new' ? { ...s, allowedNext: ['nowhere'] } : s)),
    })
    expect(broken.status).toBe(400)
    expect(broken.body.data.issues).toEqual([{ path: 'stages.0.allowedNext.0', message: 'no stage nowhere' }])

    const deal = (await client.post('/api/v1/deals', { name: 'In demo', amount: 1 })).body
    await client.post(`/api/v1/deals/${deal.id}/stage`, { to: 'contacted' })
    await client.post(`/api/v1/deals/${deal.id}/stage`, { to: 'demo' })
    const removing = await client.request('PUT', '/api/v1/pipeline/stages', { stages })
    expect(removing.status).toBe(409)
    expect(removing.body.data).toEqual({ error: 'stage_in_use', stages: [{ stage: 'demo', n: 1 }] })

    expect((await rep.request('PUT', '/api/v1/pipeline/stages', { stages })).status).toBe(403)
  })
})

describe('tags, bulk changes and saved views over HTTP', () => {
  it('keeps a deal\'s tags trimmed and deduplicated, filters by them, and names a bad tag\'s field', async () => {
    const tag = `t-${Date.now().toString(36)}`
    const created = await rep.post('/api/v1/deals', {
      name: 'Tagged',
      amount: 10,
      tags: [` ${tag} `, tag.toUpperCase(), 'Hot'],
      probability: 40,
      forecastCategory: 'commit',
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ tags: [tag, 'Hot'], probability: 40, forecastCategory: 'commit' })
    const patched = await rep.patch(`/api/v1/deals/${created.body.id}`, { tags: [tag, 'Renewal'] })
    expect(patched.body.tags).toEqual([tag, 'Renewal'])
    const found = await rep.get(`/api/v1/deals?tags=${tag},Renewal`)
    expect(found.body.data.map((d: Json) => d.id)).toEqual([created.body.id])
    expect(found.body.data[0].tags).toEqual([tag, 'Renewal'])
    const bad = await rep.post('/api/v1/deals', { name: 'Bad tags', amount: 1, tags: ['ok', 'x'.repeat(51)] })
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues).toEqual([{ path: 'tags.1', message: 'a tag has at most 50 characters' }])
  })

  it('refuses a rep giving deals to someone else, and a body with neither set nor delete, by field', async () => {
    const deal = (await rep.post('/api/v1/deals', { name: 'Mine to keep', amount: 1 })).body
    const giving = await rep.post('/api/v1/deals/bulk', { ids: [deal.id], set: { ownerId: idOf(sam.email) } })
    expect(giving.status).toBe(400)
    expect(giving.body.data.issues).toEqual([{ path: 'set.ownerId', message: 'reps own the records they create' }])
    const neither = await rep.post('/api/v1/deals/bulk', { ids: [deal.id] })
    expect(neither.body.data.issues).toEqual([{ path: 'set', message: 'either set or delete: true' }])
    const moved = await rep.post('/api/v1/deals/bulk', { ids: [deal.id], set: { stage: 'contacted', closeDate: '2027-06-30' } })
    expect(moved.body).toEqual({ updated: [deal.id], refused: [] })
    expect((await rep.get(`/api/v1/deals/${deal.id}`)).body).toMatchObject({ stage: 'contacted', closeDate: '2027-06-30' })
  })

  it('lets a teammate use a shared view but only its owner change or delete it', async () => {
    const view = await rep.post('/api/v1/views', {
      name: 'Big Q1 deals',
      recordType: 'deals',
      filters: { closeFrom: '2027-01-01', closeTo: '2027-03-31' },
      sort: { field: 'amount', direction: 'desc' },
      columns: ['name', 'amount'],
      shared: true,
    })
    expect(view.status).toBe(201)
    const seen = (await other.get('/api/v1/views?recordType=deals')).body.data.find((v: Json) => v.id === view.body.id)
    expect(seen).toMatchObject({ name: 'Big Q1 deals', mine: false, ownerName: 'Riley Chen', filters: { closeFrom: '2027-01-01' } })
    expect((await other.patch(`/api/v1/views/${view.body.id}`, { name: 'Mine now' })).status).toBe(403)
    expect((await other.delete(`/api/v1/views/${view.body.id}`)).status).toBe(403)
    expect((await rep.patch(`/api/v1/views/${view.body.id}`, { shared: false })).body).toMatchObject({ shared: false, mine: true })
    expect((await other.get('/api/v1/views')).body.data.map((v: Json) => v.id)).not.toContain(view.body.id)
    expect((await rep.delete(`/api/v1/views/${view.body.id}`)).status).toBe(204)
    const bad = await rep.post('/api/v1/views', { name: ' ', recordType: 'opportunities' })
    expect(bad.body.data.issues.map((i: Json) => i.path).sort()).toEqual(['name', 'recordType'])
  })
})
