import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, signUp, type Json } from '../../support/http'

const baseURL = inject('baseURL')
const [adminLogin, managerLogin, riley, sam] = DEMO_LOGINS
const as = (login: { email: string }) => new Client(baseURL).login(login.email, DEMO_PASSWORD)
const now = new Date()
const QUARTER = `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`
const next = new Date(Date.UTC(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) * 3 + 3, 1))
const NEXT_QUARTER = `${next.getUTCFullYear()}-Q${Math.floor(next.getUTCMonth() / 3) + 1}`

let admin: Client
let manager: Client
let rep: Client
let users: Json[]
beforeAll(async () => {
  admin = await as(adminLogin)
  manager = await as(managerLogin)
  rep = await as(riley)
  users = (await admin.get('/api/v1/users')).body.data
})
const idOf = (email: string) => users.find(u => u.email === email).id

describe('forecasts over HTTP', () => {
  it('rolls the quarter up rep -> team -> tenant for an admin, and the rep\'s own only for a rep', async () => {
    const all = (await admin.get(`/api/v1/forecast?period=${QUARTER}`)).body
    expect(all.period.key).toBe(QUARTER)
    expect(all.owners.map((o: Json) => o.name).sort()).toEqual(['Jordan Alvarez', 'Maya Manager', 'Riley Chen', 'Sam Okafor'])
    const sum = (key: string) => all.owners.reduce((n: number, o: Json) => n + o[key], 0)
    expect(all.total.open).toBeCloseTo(sum('open'), 2)
    expect(all.teams[0].open).toBeCloseTo(sum('open'), 2)

    const own = (await rep.get(`/api/v1/forecast?period=${QUARTER}`)).body
    expect(own.owners.map((o: Json) => o.name)).toEqual(['Riley Chen'])
    expect(own.teams).toEqual([])
    expect(own.total.open).toBe(all.owners.find((o: Json) => o.name === 'Riley Chen').open)
    expect((await admin.get(`/api/v1/forecast?period=${QUARTER}&groupBy=team`)).body.rows[0].name).toBe('Enterprise West')
  })

  it('lets a manager set a quota and adjust a rep\'s number; the rep sees both, a rep cannot adjust', async () => {
    const rileyId = idOf(riley.email)
    expect(
      (await manager.request('PUT', '/api/v1/forecast/quotas', { period: QUARTER, quotas: [{ ownerId: rileyId, amount: 400_000 }] })).body,
    ).toEqual({ period: QUARTER, updated: 1 })
    const made = await manager.post('/api/v1/forecast/adjustments', {
      period: QUARTER,
      ownerId: rileyId,
      amount: 123_000,
      note: 'two deals pushed',
    })
    expect(made.status).toBe(201)
    const own = (await rep.get(`/api/v1/forecast?period=${QUARTER}`)).body.owners[0]
    expect(own).toMatchObject({
      quota: 400_000,
      adjusted: { amount: 123_000, note: 'two deals pushed', by: 'Maya Manager', original: own.forecast },
    })
    expect(own.attainment).toBeCloseTo(own.closedWon / 400_000, 3)
    expect((await rep.post('/api/v1/forecast/adjustments', { period: QUARTER, ownerId: rileyId, amount: 1, note: 'me' })).status).toBe(403)
    const audit = (await admin.get('/api/v1/audit')).body.data as Json[]
    expect(audit.some(e => e.action === 'forecast.adjusted' && e.targetId === rileyId)).toBe(true)
  })

  it('lets a manager set the quotas of their team\'s reps only, an admin anyone\'s, a rep nobody\'s', async () => {
    const put = (client: Client, ownerId: string, amount = 250_000) =>
      client.request('PUT', '/api/v1/forecast/quotas', { period: NEXT_QUARTER, quotas: [{ ownerId, amount }] })
    expect((await put(manager, idOf(sam.email))).status).toBe(200)
    expect((await put(rep, idOf(riley.email))).status).toBe(403) // not even their own
    expect((await put(manager, idOf(managerLogin.email))).status).toBe(403) // a manager's own quota is an admin's call
    expect((await put(manager, idOf(adminLogin.email))).status).toBe(404) // not on a team they lead
    expect((await put(manager, crypto.randomUUID())).status).toBe(404)
    expect((await put(admin, idOf(managerLogin.email), 500_000)).status).toBe(200)
    const owners = (await admin.get(`/api/v1/forecast?period=${NEXT_QUARTER}`)).body.owners as Json[]
    expect(owners.find(o => o.name === 'Sam Okafor').quota).toBe(250_000)
    expect(owners.find(o => o.name === 'Maya Manager').quota).toBe(500_000)
    expect(owners.find(o => o.name === 'Riley Chen').quota).toBeNull()
  })

  it('adds the adjustments into the team and tenant totals: a rep\'s into their team, a team\'s replacing its reps\'', async () => {
    const period = NEXT_QUARTER
    const before = (await admin.get(`/api/v1/forecast?period=${period}`)).body
    expect(before.total.adjustedForecast).toBeCloseTo(before.total.forecast, 2)
    const sam0 = before.owners.find((o: Json) => o.name === 'Sam Okafor')
    expect((await manager.post('/api/v1/forecast/adjustments', {
      period, ownerId: sam0.ownerId, amount: sam0.forecast + 75_000, note: 'Initech renewal lands',
    })).status).toBe(201)
    const after = (await admin.get(`/api/v1/forecast?period=${period}`)).body
    const team = after.teams.find((t: Json) => t.name === 'Enterprise West')
    const sum = (rows: Json[]) => rows.reduce((n, r) => n + r.adjustedForecast, 0)
    expect(after.owners.find((o: Json) => o.name === 'Sam Okafor').adjustedForecast).toBeCloseTo(sam0.forecast + 75_000, 2)
    expect(team.forecast).toBeCloseTo(before.teams.find((t: Json) => t.name === 'Enterprise West').forecast, 2) // computed stays
    expect(team.adjustedForecast).toBeCloseTo(sum(after.owners.filter((o: Json) => o.teamId === team.teamId)), 2)
    expect(team.adjustedForecast - team.forecast).toBeCloseTo(75_000, 2)
    expect(after.total.adjustedForecast).toBeCloseTo(sum(after.teams), 2)
    expect(after.total.adjustedForecast - after.total.forecast).toBeCloseTo(75_000, 2)
    // The manager's own view of the team agrees.
    expect((await manager.get(`/api/v1/forecast?period=${period}`)).body.total.adjustedForecast).toBeCloseTo(team.adjustedForecast, 2)

    // A team's own adjustment replaces what its reps add up to, and the total follows it.
    const made = await manager.post('/api/v1/forecast/adjustments', { period, teamId: team.teamId, amount: 1_000_000, note: 'team call' })
    expect(made.body.original).toBeCloseTo(team.adjustedForecast, 2) // what the manager overrode: the team as adjusted
    const teamCall = (await admin.get(`/api/v1/forecast?period=${period}`)).body
    expect(teamCall.teams.find((t: Json) => t.teamId === team.teamId).adjustedForecast).toBe(1_000_000)
    expect(teamCall.total.adjustedForecast).toBeCloseTo(sum(teamCall.teams), 2)
    // An admin's tenant-wide call is the total.
    expect((await admin.post('/api/v1/forecast/adjustments', { period, amount: 2_000_000, note: 'board number' })).status).toBe(201)
    const board = (await admin.get(`/api/v1/forecast?period=${period}`)).body
    expect(board.total).toMatchObject({ adjustedForecast: 2_000_000, rolledUp: teamCall.total.adjustedForecast })
    const csv = (await admin.get(`/api/v1/forecast?period=${period}&groupBy=team&format=csv`)).body as string
    expect(csv).toContain('1000000')
  })

  it('shows totals in the tenant\'s currency, which an admin sets (400 naming the field for an unknown code)', async () => {
    expect((await rep.get('/api/v1/tenant')).body).toMatchObject({ currency: 'USD' })
    expect((await admin.get(`/api/v1/forecast?period=${QUARTER}`)).body.currency).toBe('USD')
    const bad = await admin.patch('/api/v1/tenant', { currency: 'XYZ' })
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues.map((i: Json) => i.path)).toEqual(['currency'])
    expect((await admin.patch('/api/v1/tenant', { currency: 'EURO' })).body.data.issues[0].path).toBe('currency')
    expect((await admin.patch('/api/v1/tenant', {})).body.data.issues[0].path).toBe('currency')
    expect((await manager.patch('/api/v1/tenant', { currency: 'EUR' })).status).toBe(403)
    const set = await admin.patch('/api/v1/tenant', { currency: 'eur' })
    expect(set.status).toBe(200)
    expect(set.body.currency).toBe('EUR')
    expect((await rep.get(`/api/v1/forecast?period=${QUARTER}`)).body.currency).toBe('EUR')
    const audit = (await admin.get('/api/v1/audit')).body.data as Json[]
    expect(audit.find(e => e.action === 'tenant.currency_set').metadata).toEqual({ from: 'USD', to: 'EUR' })
    expect((await admin.patch('/api/v1/tenant', { currency: 'USD' })).body.currency).toBe('USD')
  })

  it('refuses bad input with 400 naming the field, writing nothing', async () => {
    expect((await admin.get('/api/v1/forecast?period=2026-Q5')).body.data.issues[0].path).toBe('period')
    const bad = await manager.post('/api/v1/forecast/adjustments', { period: QUARTER, ownerId: idOf(sam.email), amount: -5, note: '' })
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues.map((i: Json) => i.path).sort()).toEqual(['amount', 'note'])
    expect((await admin.get('/api/v1/analytics/win-rate?from=2026-12-01&to=2026-01-01')).body.data.issues[0].path).toBe('from')
    expect((await admin.get('/api/v1/analytics/lift')).status).toBe(400)
  })

  it('answers the history, the analytics and CSV downloads of each table', async () => {
    const history = (await manager.get(`/api/v1/forecast/history?period=${QUARTER}`)).body
    expect(history.weeks.length).toBeGreaterThan(0)
    expect(history.weeks.some((w: Json) => w.forecast !== null)).toBe(true) // the seed's snapshot
    for (const kind of ['conversion', 'time-in-stage', 'win-rate', 'cycle-length']) {
      const answer = await manager.get(`/api/v1/analytics/${kind}?groupBy=owner`)
      expect(answer.status, kind).toBe(200)
      expect(answer.body.data.length, kind).toBeGreaterThan(0)
      const csv = await manager.get(`/api/v1/analytics/${kind}?groupBy=owner&format=csv`)
      expect(csv.headers.get('content-type')).toContain('text/csv')
      expect((csv.body as string).split('\r\n')[0]).toContain('label')
    }
    const csv = await manager.get(`/api/v1/forecast?period=${QUARTER}&format=csv`)
    expect((csv.body as string).split('\r\n')[0]).toBe(
      'name,closedWon,commit,bestCase,pipeline,weighted,projection,forecast,adjusted,adjustedForecast,quota,attainment,coverage',
    )
  })

  it('is a paid feature: a free tenant gets 402 capability_required', async () => {
    const { client } = await signUp(baseURL)
    const answer = await client.get(`/api/v1/forecast?period=${QUARTER}`)
    expect(answer.status).toBe(402)
  })
})
