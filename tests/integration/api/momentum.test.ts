import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, signUp, type Json } from '../../support/http'

const baseURL = inject('baseURL')
const [adminLogin, managerLogin, riley, sam] = DEMO_LOGINS
const as = (login: { email: string }) => new Client(baseURL).login(login.email, DEMO_PASSWORD)

let admin: Client
let manager: Client
let rep: Client
let rileyId: string
let samId: string
beforeAll(async () => {
  admin = await as(adminLogin)
  manager = await as(managerLogin)
  rep = await as(riley)
  const users = (await admin.get('/api/v1/users')).body.data as Json[]
  rileyId = users.find(u => u.email === riley.email).id
  samId = users.find(u => u.email === sam.email).id
})

describe('momentum over HTTP, on the demo data', () => {
  it('shows the pipeline summary from the views: the tenant for an admin, the rep\'s own for a rep', async () => {
    // Other test files add deals: bring the views up to date first.
    expect((await admin.post('/api/v1/admin/tasks/pipeline:refresh')).status).toBe(200)
    const tenant = (await admin.get('/api/v1/pipeline/summary')).body
    expect(tenant.stages.map((s: Json) => s.stage)).toEqual(['new', 'contacted', 'qualified', 'proposal', 'negotiation', 'won', 'lost'])
    expect(tenant.refreshedAt).not.toBeNull()
    const open = tenant.stages.filter((s: Json) => !['won', 'lost'].includes(s.stage))
    expect(tenant.totals.openCount).toBe(open.reduce((n: number, s: Json) => n + s.count, 0))
    // The momentum mix of each stage covers its deals (deals opened since the last run are not scored yet).
    for (const s of open) expect(s.accelerating + s.steady + s.stalling + s.atRisk).toBeLessThanOrEqual(s.count)
    expect(open.reduce((n: number, s: Json) => n + s.accelerating + s.steady + s.stalling + s.atRisk, 0)).toBeGreaterThan(
      tenant.totals.openCount * 0.8,
    )

    // The rep's own rows of the view (other test files add deals concurrently: the view is compared
    // with a direct query in tests/integration/momentum.test.ts, on data nothing else touches).
    const own = (await rep.get('/api/v1/pipeline/summary')).body
    expect(own.stages.reduce((n: number, s: Json) => n + s.count, 0)).toBeGreaterThan(0)
    expect(own.totals.openCount).toBeLessThan(tenant.totals.openCount)
    const asked = (await admin.get(`/api/v1/pipeline/summary?ownerId=${rileyId}`)).body
    if (asked.refreshedAt === own.refreshedAt) expect(asked.stages).toEqual(own.stages)
  })

  it('keeps summaries to what the caller may see (404) and refuses an owner and a team together (400)', async () => {
    expect((await rep.get(`/api/v1/pipeline/summary?ownerId=${samId}`)).status).toBe(404)
    const teamId = (await admin.get('/api/v1/teams')).body.data[0].id
    expect((await rep.get(`/api/v1/pipeline/summary?teamId=${teamId}`)).status).toBe(404)
    expect((await manager.get(`/api/v1/pipeline/summary?teamId=${teamId}`)).status).toBe(200)
    const both = await admin.get(`/api/v1/pipeline/summary?teamId=${teamId}&ownerId=${samId}`)
    expect(both.status).toBe(400)
    expect(both.body.data.issues[0].path).toBe('teamId')
  })

  it('ranks the rep\'s own open deals in the focus list, each with why now and one next action', async () => {
    const answer = await rep.get('/api/v1/focus?limit=10')
    expect(answer.status).toBe(200)
    const list = answer.body.data as Json[]
    expect(list).toHaveLength(10)
    expect(list.every(f => f.deal.ownerId === rileyId)).toBe(true)
    expect(list.map(f => f.priority)).toEqual([...list.map(f => f.priority)].sort((a, b) => b - a))
    for (const f of list) {
      expect(['accelerating', 'steady', 'stalling', 'at_risk']).toContain(f.state)
      expect(typeof f.whyNow).toBe('string')
      expect(f.nextAction.length).toBeGreaterThan(5)
    }
    expect((await rep.get('/api/v1/focus?limit=0')).status).toBe(400)
    expect((await rep.get(`/api/v1/focus?ownerId=${samId}`)).status).toBe(404)
  })

  it('shows a rep the alerts of their own deals and lets them dismiss one; another rep\'s alert is 404', async () => {
    const mine = (await rep.get('/api/v1/alerts')).body.data as Json[]
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.every(a => a.deal.ownerId === rileyId && a.status === 'open')).toBe(true)
    const team = (await manager.get('/api/v1/alerts')).body.data as Json[]
    expect(team.length).toBeGreaterThan(mine.length)

    const dismissed = await rep.post(`/api/v1/alerts/${mine[0].id}/dismiss`)
    expect(dismissed.body).toMatchObject({ id: mine[0].id, status: 'dismissed' })
    expect((await rep.get('/api/v1/alerts')).body.data.map((a: Json) => a.id)).not.toContain(mine[0].id)
    expect((await rep.get('/api/v1/alerts?state=dismissed')).body.data.map((a: Json) => a.id)).toContain(mine[0].id)

    const samsAlert = team.find(a => a.deal.ownerId === samId)
    expect((await rep.post(`/api/v1/alerts/${samsAlert.id}/dismiss`)).status).toBe(404)
    expect((await rep.get('/api/v1/alerts?state=maybe')).status).toBe(400)
  })

  it('answers a deal\'s score, reasons and trend to those who see the deal', async () => {
    const [top] = (await rep.get('/api/v1/focus?limit=1')).body.data as Json[]
    const momentum = (await rep.get(`/api/v1/deals/${top.deal.id}/momentum`)).body
    expect(momentum).toMatchObject({ dealId: top.deal.id, score: top.score, state: top.state })
    expect(momentum.history.length).toBeGreaterThanOrEqual(1)
    expect(momentum.reasons.every((r: Json) => typeof r.text === 'string' && typeof r.points === 'number')).toBe(true)
    const other = await as(sam)
    expect((await other.get(`/api/v1/deals/${top.deal.id}/momentum`)).status).toBe(404)
  })

  it('answers the win probability beside the score, with reasons in points of the chance', async () => {
    const [top] = (await rep.get('/api/v1/focus?limit=1')).body.data as Json[]
    const momentum = (await rep.get(`/api/v1/deals/${top.deal.id}/momentum`)).body
    expect(momentum.winProbability).toBeGreaterThanOrEqual(0)
    expect(momentum.winProbability).toBeLessThanOrEqual(1)
    expect(momentum.score).toBe(Math.round(momentum.winProbability * 100))
    expect(top.winProbability).toBe(momentum.winProbability)
    for (const r of momentum.reasons) expect(r.text).toMatch(/\((raises|cuts) the chance by (about \d+ points?|less than a point)\)$/)
  })

  it('rescores a deal in the background within 5 s of an event posted for it', async () => {
    const [top] = (await rep.get('/api/v1/focus?limit=1')).body.data as Json[]
    const before = (await rep.get(`/api/v1/deals/${top.deal.id}/momentum`)).body
    const posted = await rep.post('/api/v1/events', {
      type: 'meeting_held',
      occurredAt: new Date().toISOString(),
      source: 'calendar',
      subject: { dealId: top.deal.id },
    })
    expect(posted.status).toBeLessThan(300)
    const started = Date.now()
    let after = before
    while (Date.now() - started < 5000 && after.computedAt === before.computedAt) {
      await new Promise(resolve => setTimeout(resolve, 200))
      after = (await rep.get(`/api/v1/deals/${top.deal.id}/momentum`)).body
    }
    expect(after.computedAt).not.toBe(before.computedAt)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(after.signals.daysSinceTwoWay).toBe(0)
  })

  it('shows admins and managers the calibration on closed deals in words; reps get 403', async () => {
    const table = (await admin.get('/api/v1/momentum/calibration')).body
    expect(table.needed).toEqual({ won: 50, lost: 50 })
    expect(table.weights.source).toBe('shipped')
    expect(table.summary.length).toBeGreaterThan(0)
    expect(table.brier).toHaveProperty('stageOnly')
    expect((await manager.get('/api/v1/momentum/calibration')).status).toBe(200)
    expect((await rep.get('/api/v1/momentum/calibration')).status).toBe(403)
  })

  it('lets an admin run a task now and read the runs; unknown tasks are 400, reps 403', async () => {
    const ran = await admin.post('/api/v1/admin/tasks/momentum:refresh')
    expect(ran.status).toBe(200)
    expect(ran.body.data.map((r: Json) => r.name)).toEqual(['momentum:refresh', 'pipeline:refresh'])
    expect(ran.body.data[0]).toMatchObject({ status: 'done' })
    const runs = (await admin.get('/api/v1/admin/tasks')).body.data as Json[]
    expect(runs.some(r => r.name === 'momentum:refresh' && r.status === 'done')).toBe(true)
    const unknown = await admin.post('/api/v1/admin/tasks/rm-rf')
    expect(unknown.status).toBe(400)
    expect(unknown.body.data.issues[0].path).toBe('name')
    expect((await rep.post('/api/v1/admin/tasks/momentum:refresh')).status).toBe(403)
  })

  it('counts the closed deals on Settings -> Momentum as the Analytics win rate does (same range, same query)', async () => {
    for (const client of [admin, manager]) {
      const table = (await client.get('/api/v1/momentum/calibration')).body
      const rows = (await client.get('/api/v1/analytics/win-rate')).body.data as Json[]
      const sum = (key: string) => rows.reduce((n, r) => n + r[key], 0)
      expect(table.closed).toMatchObject({ won: sum('won'), lost: sum('lost') })
      expect(table.closed.won + table.closed.lost).toBeGreaterThan(0) // the demo has closed deals
      const explicit = (await client.get(`/api/v1/analytics/win-rate?from=${table.closed.from}&to=${table.closed.to}`)).body.data as Json[]
      expect(explicit.reduce((n, r) => n + r.won, 0)).toBe(table.closed.won)
      expect(table.scored).toEqual({ won: expect.any(Number), lost: expect.any(Number) }) // what the weights are refined on
    }
  })

  it('records no run of webhooks:deliver that found nothing due, and filters the runs by task', async () => {
    const ran = await admin.post('/api/v1/admin/tasks/webhooks:deliver')
    expect(ran.status).toBe(200)
    expect(ran.body.data[0]).toMatchObject({ name: 'webhooks:deliver', status: 'skipped', touched: 0 })
    const deliveries = (await admin.get('/api/v1/admin/tasks?name=webhooks:deliver')).body.data as Json[]
    expect(deliveries).toEqual([])
    await admin.post('/api/v1/admin/tasks/tasks:reminders')
    const reminders = (await admin.get('/api/v1/admin/tasks?name=tasks:reminders')).body.data as Json[]
    expect(reminders.length).toBeGreaterThan(0)
    expect(reminders.every(r => r.name === 'tasks:reminders')).toBe(true)
    expect((await admin.get('/api/v1/admin/tasks?name=rm-rf')).body.data.issues[0].path).toBe('name')
  })

  it('runs a tenant admin\'s task for that tenant alone: no other tenant\'s views move, cross-tenant work is 403, '
    + 'and a cooldown answers 429', async () => {
    const demoBefore = (await admin.get('/api/v1/pipeline/summary')).body.refreshedAt
    const { client: other } = await signUp(baseURL)
    const ran = await other.post('/api/v1/admin/tasks/pipeline:refresh')
    expect(ran.status).toBe(200)
    expect(ran.body.data).toEqual([expect.objectContaining({ name: 'pipeline:refresh', status: 'done', touched: 1 })])
    expect((await other.get('/api/v1/pipeline/summary')).body.refreshedAt).not.toBeNull()
    expect((await admin.get('/api/v1/pipeline/summary')).body.refreshedAt).toBe(demoBefore)
    const partitions = await other.post('/api/v1/admin/tasks/events:partitions')
    expect(partitions.status).toBe(403)
    expect(partitions.body.message ?? partitions.body.statusMessage).toMatch(/every tenant/)
    const answers = []
    for (let i = 0; i < 5; i++) answers.push((await other.post('/api/v1/admin/tasks/pipeline:refresh')).status)
    expect(answers.slice(0, 4)).toEqual([200, 200, 200, 200])
    expect(answers[4]).toBe(429)
    // Another tenant's cooldown is its own.
    const { client: third } = await signUp(baseURL)
    expect((await third.post('/api/v1/admin/tasks/pipeline:refresh')).status).toBe(200)
  })
})
