import fc from 'fast-check'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { REPORT_BUCKETS, REPORT_FIELDS, REPORT_MEASURE_FNS, REPORT_OPERATORS } from '../../../shared/utils/reports'
import { Client, signUp, type Json } from '../../support/http'

const baseURL = inject('baseURL')

let admin: Client
let manager: Client
let rep: Client
let other: Client
let repId: string

const login = (i: number) => new Client(baseURL).login(DEMO_LOGINS[i]!.email, DEMO_PASSWORD)

/** Every deal a client may list, page by page. */
async function allDeals(client: Client) {
  const deals: Json[] = []
  let cursor: string | null = null
  do {
    const page: Json = (await client.get(`/api/v1/deals?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).body
    deals.push(...page.data)
    cursor = page.nextCursor
  } while (cursor)
  return deals
}

const run = (client: Client, body: unknown) => client.post('/api/v1/reports/run', body)

beforeAll(async () => {
  admin = await login(0)
  manager = await login(1)
  rep = await login(2)
  other = await login(3)
  repId = (await rep.get('/api/auth/me')).body.user.id
})

describe('running reports', () => {
  it('sums only a rep\'s own deals on a report of all deals', async () => {
    const own = await allDeals(rep)
    expect(own.length).toBeGreaterThan(0)
    const answer = await run(rep, { recordType: 'deals', measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }] })
    expect(answer.status).toBe(200)
    expect(answer.body.rows[0].count).toBe(own.length)
    expect(answer.body.rows[0].sum_amount).toBeCloseTo(own.reduce((s, d) => s + Number(d.amount), 0), 2)
    const byOwner = await run(rep, { recordType: 'deals', measures: [{ fn: 'count' }], groupBy: [{ field: 'owner' }] })
    expect(byOwner.body.rows).toEqual([{ owner: repId, ownerName: DEMO_LOGINS[2].name, count: own.length }])
    expect(byOwner.body.columns.map((c: Json) => c.key)).toEqual(['owner', 'ownerName', 'count'])
  })

  it('gives a manager their team, and an admin the tenant', async () => {
    const team = await allDeals(manager)
    const answer = await run(manager, { recordType: 'deals', measures: [{ fn: 'count' }] })
    expect(answer.body.rows[0].count).toBe(team.length)
    const everything = await run(admin, { recordType: 'deals', measures: [{ fn: 'count' }] })
    expect(everything.body.rows[0].count).toBe((await allDeals(admin)).length)
    expect(everything.body.rows[0].count).toBeGreaterThanOrEqual(team.length)
  })

  it('keeps a filter value of \'; drop table deals; -- a value: an empty result, the deals intact', async () => {
    const before = (await allDeals(admin)).length
    const answer = await run(admin, {
      recordType: 'deals',
      measures: [{ fn: 'count' }],
      groupBy: [{ field: 'stage' }],
      filters: [{ field: 'stage', op: 'eq', value: '\'; drop table deals; --' }],
    })
    expect(answer.status).toBe(200)
    expect(answer.body.rows).toEqual([])
    expect((await allDeals(admin)).length).toBe(before)
  })

  it('groups by a date bucket, answers CSV, and refuses invalid definitions naming the field', async () => {
    const monthly = await run(admin, {
      recordType: 'deals', measures: [{ fn: 'avg', field: 'amount' }], groupBy: [{ field: 'createdAt', bucket: 'month' }],
    })
    expect(monthly.status).toBe(200)
    for (const row of monthly.body.rows) expect(row.createdAt).toMatch(/^\d{4}-\d{2}-01$/)
    const byStage = { recordType: 'deals', measures: [{ fn: 'count' }], groupBy: [{ field: 'stage' }] }
    const csv = await admin.post('/api/v1/reports/run?format=csv', byStage)
    expect(csv.headers.get('content-type')).toContain('text/csv')
    expect(String(csv.body).split('\r\n')[0]).toBe('Stage,Count')
    const bad = await run(admin, { recordType: 'deals', measures: [{ fn: 'sum', field: 'stage' }] })
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues).toEqual([{ path: 'measures.0.field', message: 'Stage is not a number' }])
    const shape = await run(admin, { recordType: 'deals', measures: [] })
    expect(shape.body.data.issues[0].path).toBe('measures')
  })

  // 1,000 random builder requests from the whitelist, valid and invalid: never a 5xx, never a row the
  // rep may not see (the same aggregate as the admin's filtered to the rep's own deals), never slow.
  it('answers 1,000 random builder requests without a 5xx, a leak or a slow query', async () => {
    const fields = REPORT_FIELDS.deals
    const junkField = fc.constantFrom('custom.nope', 'owner_id', 'amount; drop', '"r".amount')
    const junkValue = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constantFrom('\'; drop table deals; --', repId),
      fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxLength: 3 }), fc.boolean())
    const valueFor = (type: string): fc.Arbitrary<unknown> => type === 'number'
      ? fc.integer({ min: -10, max: 200_000 })
      : type === 'date'
        ? fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map(d => d.toISOString().slice(0, 10))
        : type === 'uuid' ? fc.constant(repId) : fc.constantFrom('new', 'won', 'web', '\'; drop table deals; --', '')
    // Mostly whitelisted fields with a value of their type (so most requests run), some junk.
    const filter = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...fields).chain(f => fc.record({
        field: fc.constant(f.key),
        op: fc.constantFrom(...REPORT_OPERATORS),
        value: fc.oneof(valueFor(f.type), fc.array(valueFor(f.type), { minLength: 2, maxLength: 2 }), fc.constant(true)),
      })) },
      { weight: 1, arbitrary: fc.record({
        field: fc.oneof(junkField, fc.constantFrom(...fields.map(f => f.key))), op: fc.constantFrom(...REPORT_OPERATORS), value: junkValue,
      }) },
    )
    const field = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...fields.map(f => f.key)) }, { weight: 1, arbitrary: junkField })
    const definition = fc.record({
      recordType: fc.constantFrom('deals', 'deals', 'deals', 'deals', 'leads', 'events', 'tickets'),
      measures: fc.array(fc.oneof(
        { weight: 3, arbitrary: fc.record({ fn: fc.constant('count') }) },
        { weight: 3, arbitrary: fc.record({
          fn: fc.constantFrom(...REPORT_MEASURE_FNS), field: fc.constantFrom('amount', 'probability'),
        }) },
        { weight: 1, arbitrary: fc.record({ fn: fc.constantFrom(...REPORT_MEASURE_FNS), field }) },
      ), { minLength: 1, maxLength: 3 }),
      groupBy: fc.array(fc.record(
        { field, bucket: fc.option(fc.constantFrom(...REPORT_BUCKETS), { nil: undefined, freq: 2 }) },
        { requiredKeys: ['field'] },
      ),
      { maxLength: 2 }),
      filters: fc.array(filter, { maxLength: 2 }),
    })
    let valid = 0
    const started = Date.now()
    await fc.assert(fc.asyncProperty(definition, async (def) => {
      const t0 = Date.now()
      const answer = await run(rep, def)
      expect(answer.status, JSON.stringify(def)).toBeLessThan(500)
      expect(Date.now() - t0).toBeLessThan(6000)
      if (answer.status !== 200) return
      valid++
      if (def.recordType !== 'deals') return
      const asAdmin = await run(admin, { ...def, filters: [...def.filters, { field: 'owner', op: 'eq', value: repId }] })
      expect(asAdmin.status).toBe(200)
      expect(answer.body.rows, JSON.stringify(def)).toEqual(asAdmin.body.rows)
    }), { numRuns: 1000, seed: 20261204 })
    expect(valid).toBeGreaterThan(100)
    console.info(`reports fuzz: 1000 requests, ${valid} valid, ${Date.now() - started} ms`)
  }, 180_000)
})

describe('saved reports', () => {
  it('creates, lists, shares, changes and deletes with the owner\'s and the team\'s rights', async () => {
    const body = { name: 'Deals by stage', recordType: 'deals', measures: [{ fn: 'count' }], groupBy: [{ field: 'stage' }], chart: 'bar' }
    const mine = await rep.post('/api/v1/reports', body)
    expect(mine.status).toBe(201)
    expect(mine.body).toMatchObject({ ...body, shared: false, mine: true })
    const shared = await rep.post('/api/v1/reports', { ...body, name: 'Shared by stage', shared: true })
    const adminsOwn = await admin.post('/api/v1/reports', { ...body, name: 'Admin private' })
    const ids = async (client: Client) => (await client.get('/api/v1/reports')).body.data.map((r: Json) => r.id)
    expect(await ids(rep)).toEqual(expect.arrayContaining([mine.body.id, shared.body.id]))
    expect(await ids(admin)).toContain(shared.body.id)
    expect(await ids(admin)).not.toContain(mine.body.id)
    expect(await ids(rep)).not.toContain(adminsOwn.body.id)
    expect((await rep.get(`/api/v1/reports/${adminsOwn.body.id}`)).status).toBe(404)
    // Another rep of the same team sees the shared one, may not change it; the admin may.
    const teamOf = async (client: Client) => (await client.get('/api/auth/me')).body.user.teamId
    if ((await teamOf(other)) === (await teamOf(rep))) {
      expect(await ids(other)).toContain(shared.body.id)
      expect((await other.patch(`/api/v1/reports/${shared.body.id}`, { name: 'Mine now' })).status).toBe(403)
    }
    expect((await admin.patch(`/api/v1/reports/${shared.body.id}`, { chart: 'pie' })).body.chart).toBe('pie')
    const patched = await rep.patch(`/api/v1/reports/${mine.body.id}`, { groupBy: [{ field: 'createdAt', bucket: 'week' }], shared: true })
    expect(patched.body).toMatchObject({ groupBy: [{ field: 'createdAt', bucket: 'week' }], shared: true, name: 'Deals by stage' })
    const badPatch = await rep.patch(`/api/v1/reports/${mine.body.id}`, { measures: [{ fn: 'median', field: 'nope' }] })
    expect(badPatch.body.data.issues).toEqual([{ path: 'measures.0.field', message: 'no such field' }])
    expect((await rep.post('/api/v1/reports', { ...body, name: '' })).body.data.issues[0].path).toBe('name')
    expect((await rep.delete(`/api/v1/reports/${mine.body.id}`)).status).toBe(204)
    expect((await rep.get(`/api/v1/reports/${mine.body.id}`)).status).toBe(404)
  })

  it('answers 404 for another tenant\'s report', async () => {
    const report = await admin.post('/api/v1/reports', { name: 'Tenant B', recordType: 'deals', measures: [{ fn: 'count' }], shared: true })
    const { client } = await signUp(baseURL)
    expect((await client.get(`/api/v1/reports/${report.body.id}`)).status).toBe(404)
    expect((await client.patch(`/api/v1/reports/${report.body.id}`, { name: 'x' })).status).toBe(404)
    expect((await client.delete(`/api/v1/reports/${report.body.id}`)).status).toBe(404)
  })
})
