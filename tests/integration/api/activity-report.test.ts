import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { CSV_COLUMNS } from '../../../shared/utils/activityReport'
import { Client, type Json } from '../../support/http'

const baseURL = inject('baseURL')
let admin: Client
let manager: Client
let riley: Client
const ids: Record<string, string> = {}

const issuePaths = (body: Json) => (body.data.issues as { path: string }[]).map(i => i.path)

beforeAll(async () => {
  admin = await new Client(baseURL).login(DEMO_LOGINS[0].email, DEMO_PASSWORD)
  manager = await new Client(baseURL).login(DEMO_LOGINS[1].email, DEMO_PASSWORD)
  riley = await new Client(baseURL).login(DEMO_LOGINS[2].email, DEMO_PASSWORD)
  const people = (await admin.get('/api/v1/users')).body.data as Json[]
  ids.riley = people.find(u => u.email === DEMO_LOGINS[2].email).id
  ids.maya = people.find(u => u.email === DEMO_LOGINS[1].email).id
  ids.deal = (await riley.get('/api/v1/deals?limit=1')).body.data[0].id
})

describe('GET /api/v1/reports/activity', () => {
  it('answers the Contract\'s fields per row, with a label and totals; today\'s work shows at once', async () => {
    const before = (await riley.get('/api/v1/reports/activity?groupBy=owner')).body
    expect(before.rows).toHaveLength(1)
    const row = before.rows[0]
    expect(Object.keys(row)).toEqual(expect.arrayContaining(['key', 'label', 'calls', 'callsConnected', 'emailsSent', 'emailsReceived',
      'meetingsHeld', 'notes', 'tasksCompleted', 'dealsCreated', 'stageMoves']))
    expect(row.key).toBe(ids.riley)
    expect(row.label).toBe('Riley Chen')
    expect(before.totals.calls).toBe(row.calls)
    expect((await riley.post('/api/v1/activities', { type: 'call', dealId: ids.deal, outcome: 'connected' })).status).toBe(201)
    const after = (await riley.get('/api/v1/reports/activity?groupBy=owner')).body.rows[0]
    expect(after.calls).toBe(row.calls + 1)
    expect(after.callsConnected).toBe(row.callsConnected + 1)
  })

  it('defaults to this week, Monday to today, and groups by day and ISO week', async () => {
    const report = (await admin.get('/api/v1/reports/activity?groupBy=day')).body
    const today = new Date().toISOString().slice(0, 10)
    const monday = new Date(`${today}T00:00:00Z`)
    monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7))
    expect(report.from).toBe(monday.toISOString().slice(0, 10))
    expect(report.to).toBe(today)
    expect(report.rows.at(-1).key).toBe(today)
    const weeks = (await admin.get('/api/v1/reports/activity?groupBy=week&from=2026-10-01&to=2026-10-31')).body.rows
    expect(weeks[0]).toMatchObject({ key: '2026-09-28', label: '2026-W40' })
    expect(weeks.at(-1)).toMatchObject({ key: '2026-10-26', label: '2026-W44' })
  })

  it('downloads CSV with a header row', async () => {
    const answer = await admin.get<string>('/api/v1/reports/activity?groupBy=team&format=csv')
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toContain('text/csv')
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="activity-team-.*\.csv"$/)
    const [header, ...lines] = answer.body.trim().split(/\r?\n/)
    expect(header).toBe(CSV_COLUMNS.join(','))
    expect(lines.length).toBeGreaterThan(0)
  })

  it('refuses bad input with a 400 naming the field', async () => {
    expect(issuePaths((await admin.get('/api/v1/reports/activity?from=2026-13-01')).body)).toEqual(['from'])
    expect(issuePaths((await admin.get('/api/v1/reports/activity?from=2026-10-02&to=2026-10-01')).body)).toEqual(['from'])
    expect(issuePaths((await admin.get('/api/v1/reports/activity?from=2025-01-01&to=2026-10-01')).body)).toEqual(['to'])
    expect(issuePaths((await admin.get('/api/v1/reports/activity?groupBy=month')).body)).toEqual(['groupBy'])
    expect(issuePaths((await admin.get('/api/v1/reports/activity?ownerId=nope')).body)).toEqual(['ownerId'])
    expect((await admin.get('/api/v1/reports/activity?from=2025-01-01&to=2026-02-04')).status).toBe(200) // 400 days
  })

  it('a rep sees their own figures, a manager the reps of the team they lead, an admin everyone', async () => {
    expect((await riley.get(`/api/v1/reports/activity?ownerId=${ids.maya}`)).status).toBe(404)
    const led = ((await manager.get('/api/v1/teams')).body.data as Json[]).filter(t => t.managerId === ids.maya).map(t => t.id)
    const people = (await admin.get('/api/v1/users')).body.data as Json[]
    const team = people.filter(u => led.includes(u.teamId) || u.id === ids.maya).map(u => u.id).sort()
    const managerRows = (await manager.get('/api/v1/reports/activity')).body.rows.map((r: Json) => r.key)
    expect(managerRows.length).toBeGreaterThan(1)
    for (const key of managerRows) expect(team).toContain(key)
    const adminRows = (await admin.get('/api/v1/reports/activity')).body.rows.map((r: Json) => r.key)
    expect(adminRows).toEqual(expect.arrayContaining(managerRows))
    const other = people.find(u => !team.includes(u.id) && u.role === 'rep')
    if (other) expect((await manager.get(`/api/v1/reports/activity?ownerId=${other.id}`)).status).toBe(404)
  })
})

describe('the activity targets', () => {
  it('a manager sets a rep\'s weekly targets (audited); the report answers target and attainment', async () => {
    const set = await manager.request('PUT', '/api/v1/reports/activity/targets', { ownerId: ids.riley, targets: { calls: 70, notes: 7 } })
    expect(set.status).toBe(200)
    const read = (await riley.get('/api/v1/reports/activity/targets')).body
    expect(read.owners[0]).toMatchObject({ ownerId: ids.riley, targets: { calls: 70, notes: 7 } })
    const week = (await riley.get('/api/v1/reports/activity?from=2026-11-02&to=2026-11-08')).body
    expect(week.rows[0].targets).toEqual({ calls: 70, notes: 7 })
    expect(week.rows[0].attainment.calls).toBe(Math.round((week.rows[0].calls / 70) * 1000) / 1000)
    const audit = (await admin.get('/api/v1/audit?limit=20')).body.data as Json[]
    expect(audit.find(e => e.action === 'activity.targets_set')).toMatchObject({ targetType: 'owner', targetId: ids.riley })
    // null removes one
    await manager.request('PUT', '/api/v1/reports/activity/targets', { ownerId: ids.riley, targets: { notes: null } })
    expect((await riley.get('/api/v1/reports/activity/targets')).body.owners[0].targets).toEqual({ calls: 70 })
  })

  it('a rep may not set targets, a manager not their own; bad bodies name the field', async () => {
    expect((await riley.request('PUT', '/api/v1/reports/activity/targets', { ownerId: ids.riley, targets: { calls: 1 } })).status).toBe(403)
    const own = await manager.request('PUT', '/api/v1/reports/activity/targets', { ownerId: ids.maya, targets: { calls: 1 } })
    expect(own.status).toBe(403)
    const put = (body: unknown) => admin.request('PUT', '/api/v1/reports/activity/targets', body)
    const bad = async (body: unknown) => [...new Set(issuePaths((await put(body)).body))]
    expect(await bad({ ownerId: ids.riley, targets: { calls: -1 } })).toEqual(['targets.calls'])
    expect(await bad({ ownerId: ids.riley, targets: { calls: 1.5 } })).toEqual(['targets.calls'])
    expect(await bad({ ownerId: ids.riley, targets: { visits: 1 } })).toEqual(['targets'])
    expect(await bad({ targets: { calls: 1 } })).toEqual(['ownerId'])
    expect(await bad({ ownerId: ids.riley, teamId: ids.riley, targets: { calls: 1 } })).toEqual(['ownerId'])
  })
})
