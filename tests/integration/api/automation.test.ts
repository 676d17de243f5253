import { beforeAll, describe, expect, inject, it } from 'vitest'
import { verifySignature } from '../../../server/domain/webhooks/sign'
import type { Client, Json } from '../../support/http'
import { signUp, unique } from '../../support/http'
import { startReceiver } from '../../support/receiver'
import { subscribe } from '../../support/stripe'

const baseURL = inject('baseURL')
const smtpSinkURL = inject('smtpSinkURL')

let admin: Client
let adminEmail: string
let tenantId: string
const mailTo = async (address: string) => ((await (await fetch(smtpSinkURL)).json()) as Json[]).filter(m => m.to.includes(address))
const soon = (ms: number) => new Date(Date.now() + ms).toISOString()
const issuesOf = (answer: { body: Json }) => (answer.body.data.issues as { path: string }[]).map(i => i.path)

beforeAll(async () => {
  const signed = await signUp(baseURL)
  admin = signed.client
  adminEmail = signed.email
  tenantId = signed.tenant.id
  await subscribe(baseURL, tenantId)
})

describe('validation: 400 naming the field, nothing written', () => {
  it('tasks', async () => {
    expect(issuesOf(await admin.post('/api/v1/tasks', { title: '', dueAt: 'tomorrow' })).sort()).toEqual(['dueAt', 'title'])
    expect(issuesOf(await admin.post('/api/v1/tasks', { title: 'x', dueAt: soon(0), priority: 'urgent' }))).toEqual(['priority'])
    expect((await admin.get('/api/v1/tasks?status=all')).body.data).toEqual([])
    const task = (await admin.post('/api/v1/tasks', { title: 'Real', dueAt: soon(86_400_000) })).body
    expect(issuesOf(await admin.patch(`/api/v1/tasks/${task.id}`, { done: false }))).toEqual(['done'])
    expect(issuesOf(await admin.get('/api/v1/tasks?due=later'))).toEqual(['due'])
    expect((await admin.get('/api/v1/tasks?status=done')).body.data).toEqual([])
  })

  it('rules, sequences, enrolments, webhooks and notifications', async () => {
    const bad = await admin.post('/api/v1/automation/rules', {
      name: 'x',
      trigger: { kind: 'stage_entered', stage: 'nowhere' },
      actions: [{ kind: 'create_task', title: 'x', dueInDays: 1 }],
    })
    expect(bad.body.data.issues).toEqual([{ path: 'trigger.stage', message: 'no such stage in this pipeline' }])
    expect(
      issuesOf(
        await admin.post('/api/v1/automation/rules', {
          name: 'x',
          trigger: { kind: 'no_activity', days: -1 },
          conditions: [{ field: 'amount', op: 'gt', value: 'big' }],
          actions: [],
        }),
      ).sort(),
    ).toEqual(['actions', 'conditions.0.value', 'trigger.days'])
    expect((await admin.get('/api/v1/automation/rules')).body.data).toEqual([])

    expect(
      issuesOf(
        await admin.post('/api/v1/sequences', { name: 'S', steps: [{ subject: 'Hi', body: 'Hello {{contact.nickname}}', waitDays: 0 }] }),
      ),
    ).toEqual(['steps.0.body'])
    expect(issuesOf(await admin.post('/api/v1/sequences', { name: 'S', steps: [] }))).toEqual(['steps'])
    expect((await admin.get('/api/v1/sequences')).body.data).toEqual([])
    const sequence = (await admin.post('/api/v1/sequences', { name: 'S', steps: [{ subject: 'Hi', body: 'Hello', waitDays: 0 }] })).body
    expect(issuesOf(await admin.post(`/api/v1/sequences/${sequence.id}/enrol`, { contactIds: [] }))).toEqual(['contactIds'])
    const noEmail = (await admin.post('/api/v1/contacts', { firstName: 'Mute' })).body
    expect((await admin.post(`/api/v1/sequences/${sequence.id}/enrol`, { contactIds: [noEmail.id] })).body.data.issues).toEqual([
      { path: 'contactIds.0', message: 'the contact has no email address' },
    ])
    expect((await admin.get('/api/v1/sequences')).body.data[0].enrolments).toEqual({})

    expect(issuesOf(await admin.post('/api/v1/webhooks', { url: 'ftp://files.test/x', events: [] })).sort()).toEqual(['events', 'url'])
    expect(issuesOf(await admin.post('/api/v1/webhooks', { url: 'https://hooks.test/x', events: ['deal_exploded'] }))).toEqual(['events.0'])
    expect((await admin.get('/api/v1/webhooks')).body.data).toEqual([])
    expect(issuesOf(await admin.post('/api/v1/notifications/read', { ids: ['nope'] }))).toEqual(['ids.0'])
  })
})

describe('plans', () => {
  it('automation, sequences and webhooks need Pro or Enterprise; tasks and notifications are on every plan', async () => {
    const free = (await signUp(baseURL)).client
    for (const path of ['/api/v1/automation/rules', '/api/v1/sequences', '/api/v1/webhooks']) {
      const answer = await free.get(path)
      expect(answer.status, path).toBe(402)
      expect(answer.body.data).toEqual({ error: 'capability_required', capability: 'automation' })
    }
    expect((await free.get('/api/v1/tasks')).status).toBe(200)
    expect((await free.get('/api/v1/notifications')).status).toBe(200)
  })
})

describe('over HTTP, end to end', () => {
  it('a rule fires as the stage change is written, once: re-running automation:run adds nothing; '
    + 'its run log and dry-run show the deal', async () => {
    const rule = (
      await admin.post('/api/v1/automation/rules', {
        name: 'Proposal follow-up',
        trigger: { kind: 'stage_entered', stage: 'proposal' },
        actions: [{ kind: 'create_task', title: 'Chase {{deal.name}}', dueInDays: 2 }],
      })
    ).body
    const deal = (await admin.post('/api/v1/deals', { name: unique('Deal'), amount: 5000, stage: 'qualified' })).body
    expect((await admin.post(`/api/v1/deals/${deal.id}/stage`, { to: 'proposal' })).status).toBe(200)
    await expect.poll(async () => (await admin.get(`/api/v1/tasks?dealId=${deal.id}`)).body.data.length, { timeout: 10_000 }).toBe(1)
    await admin.post('/api/v1/admin/tasks/automation:run')
    await admin.post('/api/v1/admin/tasks/automation:run')
    const tasks = (await admin.get(`/api/v1/tasks?dealId=${deal.id}`)).body.data
    expect(tasks).toHaveLength(1)
    expect(tasks[0].title).toBe(`Chase ${deal.name}`)
    const runs = (await admin.get(`/api/v1/automation/rules/${rule.id}/runs`)).body.data
    expect(runs.map((r: Json) => [r.status, r.dealId])).toEqual([['done', deal.id]])
    const preview = (await admin.post(`/api/v1/automation/rules/${rule.id}/dry-run`)).body.data
    expect(preview.map((p: Json) => [p.deal.id, p.alreadyRun])).toEqual([[deal.id, true]])
  })

  it('a task that falls due gives one reminder and one email, however often the reminders task runs', async () => {
    const task = (await admin.post('/api/v1/tasks', { title: unique('Due now'), dueAt: soon(-1000) })).body
    await admin.post('/api/v1/admin/tasks/tasks:reminders')
    await admin.post('/api/v1/admin/tasks/tasks:reminders')
    const reminders = (await admin.get('/api/v1/notifications?unread=1')).body.data.filter((n: Json) => n.taskId === task.id)
    expect(reminders).toHaveLength(1)
    await expect
      .poll(async () => (await mailTo(adminEmail)).filter(m => m.subject === `Due: ${task.title}`).length, { timeout: 10_000 })
      .toBe(1)
    expect((await admin.post('/api/v1/notifications/read', { ids: [reminders[0].id] })).body).toEqual({ read: 1 })
  })

  it('a webhook subscription gets each event it listens to, signed with the secret shown once', async () => {
    const receiver = await startReceiver([200])
    const created = (await admin.post('/api/v1/webhooks', { url: receiver.url, events: ['stage_changed'] })).body
    expect((await admin.get('/api/v1/webhooks')).body.data.find((w: Json) => w.id === created.id).secret).toBeUndefined()
    const deal = (await admin.post('/api/v1/deals', { name: unique('Hooked'), amount: 1, stage: 'new' })).body
    await admin.post(`/api/v1/deals/${deal.id}/stage`, { to: 'contacted' })
    await expect.poll(() => receiver.requests.length, { timeout: 10_000 }).toBe(1)
    await receiver.close()
    const [request] = receiver.requests
    expect(verifySignature(created.secret, request!.body, String(request!.headers['momentum-signature']), new Date())).toBe(true)
    expect(JSON.parse(request!.body)).toMatchObject({
      type: 'stage_changed',
      data: { dealId: deal.id, metadata: { from: 'new', to: 'contacted' } },
    })
    const log = (await admin.get(`/api/v1/webhooks/${created.id}/deliveries`)).body.data
    expect(log.map((d: Json) => [d.status, d.log.map((a: Json) => a.statusCode)])).toEqual([['delivered', [200]]])
  })

  it('a contact enrolled in a sequence gets its first email from the server\'s SMTP server', async () => {
    const email = `${unique('bea')}@buyer.test`
    const contact = (await admin.post('/api/v1/contacts', { firstName: 'Bea', email })).body
    const sequence = (
      await admin.post('/api/v1/sequences', {
        name: 'Intro',
        steps: [
          { subject: 'Hello {{contact.firstName}}', body: 'From {{sender.name}}', waitDays: 0 },
          { subject: 'Again', body: 'Hi', waitDays: 3 },
        ],
      })
    ).body
    expect((await admin.post(`/api/v1/sequences/${sequence.id}/enrol`, { contactIds: [contact.id] })).body).toEqual({
      enrolled: 1,
      skipped: 0,
    })
    await admin.post('/api/v1/admin/tasks/automation:run')
    await expect.poll(async () => (await mailTo(email)).map(m => m.subject), { timeout: 10_000 }).toEqual(['Hello Bea'])
    const timeline = (await admin.get(`/api/v1/contacts/${contact.id}/timeline`)).body.data
    expect(timeline.filter((e: Json) => e.type === 'email_sent' && e.source === 'sequence')).toHaveLength(1)
  })
})
