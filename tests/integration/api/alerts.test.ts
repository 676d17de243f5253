import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, signUp, type Json } from '../../support/http'

const baseURL = inject('baseURL')
const [, managerLogin, , sam] = DEMO_LOGINS
const as = (login: { email: string }) => new Client(baseURL).login(login.email, DEMO_PASSWORD)
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString()
const idsOf = (answer: { body: Json }) => (answer.body.data as Json[]).map(a => a.id)

// A tenant of its own (nothing else touches its alerts): five deals without a next step, each
// flagged "no next step" by the reminders run. And the demo tenant, for who sees whose alerts.
let own: Client
let ownDeals: string[]
let demoRep: Client
let manager: Client
let samId: string
beforeAll(async () => {
  own = (await signUp(baseURL)).client
  ownDeals = []
  for (let i = 0; i < 5; i++) {
    const created = await own.post('/api/v1/deals', { name: `Snooze deal ${i}`, amount: 1000 + i })
    expect(created.status).toBe(201)
    ownDeals.push(created.body.id)
  }
  expect((await own.post('/api/v1/admin/tasks/tasks:reminders')).status).toBe(200)
  demoRep = await as(sam)
  manager = await as(managerLogin)
  samId = (await demoRep.get('/api/auth/me')).body.user.id
})

describe('alerts: snooze, dismiss and restore, counted', () => {
  it('answers the real total beside a page of alerts, per state and owner', async () => {
    const page = await own.get('/api/v1/alerts?limit=2')
    expect(page.status).toBe(200)
    expect(page.body.data).toHaveLength(2)
    expect(page.body.total).toBe(5)
    expect(page.body.data.every((a: Json) => a.kind === 'no_next_step' && ownDeals.includes(a.deal.id) && a.deal.name)).toBe(true)
    expect((await own.get('/api/v1/alerts?state=dismissed')).body).toEqual({ data: [], total: 0 })
    const me = (await own.get('/api/auth/me')).body.user.id
    expect((await own.get(`/api/v1/alerts?ownerId=${me}&limit=1`)).body.total).toBe(5)
    // The dashboard shows the same count, not the length of its 10-item list.
    expect((await own.get('/api/v1/dashboard')).body.alertsTotal).toBe(5)
  })

  it('hides a snoozed alert from the lists until it is woken, and refuses an until that is not in the future', async () => {
    const [alert] = (await own.get('/api/v1/alerts?limit=1')).body.data as Json[]
    const until = inHours(24)
    const snoozed = await own.post(`/api/v1/alerts/${alert.id}/snooze`, { until })
    expect(snoozed.status).toBe(200)
    expect(snoozed.body).toMatchObject({ id: alert.id, status: 'open', snoozedUntil: until })

    const open = await own.get('/api/v1/alerts?limit=100')
    expect(idsOf(open)).not.toContain(alert.id)
    expect(open.body.total).toBe(4)
    const asleep = await own.get('/api/v1/alerts?state=snoozed')
    expect(idsOf(asleep)).toEqual([alert.id])
    expect(asleep.body.total).toBe(1)
    expect(idsOf(await own.get('/api/v1/alerts?state=all&limit=100'))).toContain(alert.id)
    const dashboard = (await own.get('/api/v1/dashboard')).body
    expect(dashboard.alerts.map((a: Json) => a.id)).not.toContain(alert.id)
    expect(dashboard.alertsTotal).toBe(4)
    expect((await own.get(`/api/v1/deals/${alert.deal.id}/momentum`)).body.alerts).toEqual([])

    // Until must be a time in the future (400 naming it), or null.
    for (const body of [{ until: inHours(-1) }, { until: 'tomorrow' }, {}]) {
      const refused = await own.post(`/api/v1/alerts/${alert.id}/snooze`, body)
      expect(refused.status, JSON.stringify(body)).toBe(400)
      expect(refused.body.data.issues.map((i: Json) => i.path)).toContain('until')
    }

    const woken = await own.post(`/api/v1/alerts/${alert.id}/snooze`, { until: null })
    expect(woken.status).toBe(200)
    expect(woken.body.snoozedUntil).toBeNull()
    const again = await own.get('/api/v1/alerts?limit=100')
    expect(idsOf(again)).toContain(alert.id)
    expect(again.body.total).toBe(5)
  })

  it('undoes a dismissal with restore; a closed alert cannot be snoozed, nor an open one restored twice over', async () => {
    const [alert] = (await own.get('/api/v1/alerts?limit=1')).body.data as Json[]
    expect((await own.post(`/api/v1/alerts/${alert.id}/dismiss`)).body).toMatchObject({ id: alert.id, status: 'dismissed' })
    expect(idsOf(await own.get('/api/v1/alerts?limit=100'))).not.toContain(alert.id)
    expect((await own.post(`/api/v1/alerts/${alert.id}/snooze`, { until: inHours(2) })).status).toBe(409)

    const restored = await own.post(`/api/v1/alerts/${alert.id}/restore`)
    expect(restored.status).toBe(200)
    expect(restored.body).toMatchObject({ id: alert.id, status: 'open', closedAt: null })
    expect(idsOf(await own.get('/api/v1/alerts?limit=100'))).toContain(alert.id)
    expect((await own.post(`/api/v1/alerts/${alert.id}/restore`)).body.status).toBe('open')

    // A next step settles the alert; a resolved alert is not brought back.
    const task = await own.post('/api/v1/tasks', { title: 'Call back', dueAt: inHours(20), dealId: alert.deal.id })
    expect(task.status).toBe(201)
    expect((await own.get('/api/v1/alerts?state=resolved')).body.data.map((a: Json) => a.id)).toContain(alert.id)
    expect((await own.post(`/api/v1/alerts/${alert.id}/restore`)).status).toBe(409)
    expect((await own.get('/api/v1/alerts')).body.total).toBe(4)
  })

  it('is 404 for another tenant\'s alert and for an alert on a deal the rep may not see', async () => {
    const demoAlerts = (await manager.get('/api/v1/alerts?limit=500')).body.data as Json[]
    const othersAlert = demoAlerts.find(a => a.deal.ownerId !== samId)!
    // The oldest of Sam's (the dashboard's tests dismiss Sam's newest).
    const samsAlert = demoAlerts.filter(a => a.deal.ownerId === samId).at(-1)!
    expect(othersAlert && samsAlert).toBeTruthy()
    const until = inHours(48)

    // Another tenant names the demo tenant's alert: nothing there.
    for (const path of ['snooze', 'dismiss', 'restore'])
      expect((await own.post(`/api/v1/alerts/${othersAlert.id}/${path}`, path === 'snooze' ? { until } : undefined)).status).toBe(404)
    // A rep names a colleague's alert: as if it did not exist, and it stays open.
    expect((await demoRep.post(`/api/v1/alerts/${othersAlert.id}/snooze`, { until })).status).toBe(404)
    expect((await demoRep.post(`/api/v1/alerts/${othersAlert.id}/restore`)).status).toBe(404)
    expect(idsOf(await manager.get('/api/v1/alerts?limit=500'))).toContain(othersAlert.id)
    // … nor lists another owner's alerts.
    expect((await demoRep.get(`/api/v1/alerts?ownerId=${othersAlert.deal.ownerId}`)).status).toBe(404)
    const repsOwn = await demoRep.get('/api/v1/alerts?limit=500')
    expect(repsOwn.body.data.every((a: Json) => a.deal.ownerId === samId)).toBe(true)
    expect(repsOwn.body.total).toBe(repsOwn.body.data.length)

    // Their own alert they can snooze (and wake again, leaving the demo data as it was).
    expect((await demoRep.post(`/api/v1/alerts/${samsAlert.id}/snooze`, { until })).status).toBe(200)
    expect(idsOf(await demoRep.get('/api/v1/alerts?limit=500'))).not.toContain(samsAlert.id)
    expect((await demoRep.post(`/api/v1/alerts/${samsAlert.id}/snooze`, { until: null })).status).toBe(200)
    // A manager narrows to one of their reps.
    const sams = await manager.get(`/api/v1/alerts?ownerId=${samId}&limit=500`)
    expect(sams.status).toBe(200)
    expect(sams.body.data.every((a: Json) => a.deal.ownerId === samId)).toBe(true)
  })
})
