import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, signUp, type Json } from '../../support/http'

const baseURL = inject('baseURL')
const [adminLogin, managerLogin, riley, sam] = DEMO_LOGINS
const as = (login: { email: string }) => new Client(baseURL).login(login.email, DEMO_PASSWORD)
const now = new Date()
const QUARTER = `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`

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
      'name,closedWon,commit,bestCase,pipeline,weighted,projection,forecast,adjusted,quota,attainment,coverage',
    )
  })

  it('is a paid feature: a free tenant gets 402 capability_required', async () => {
    const { client } = await signUp(baseURL)
    const answer = await client.get(`/api/v1/forecast?period=${QUARTER}`)
    expect(answer.status).toBe(402)
  })
})
