import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { alerts, events, notifications, tasks } from '../../db/schema'
import { withTenant, type Tx } from '../../server/domain/core/db'
import { createDeal } from '../../server/domain/deals/records'
import { logActivity } from '../../server/domain/events/activities'
import { smtpMailer, type Mailer } from '../../server/domain/email/mailer'
import { runTask } from '../../server/domain/jobs/registry'
import { createTenant, createUser } from '../../server/domain/tenancy/tenants'
import { listNotifications, markRead, setPreferences } from '../../server/domain/notifications/notifications'
import { completeTask, createTask, listTasks, TaskListQuerySchema } from '../../server/domain/tasks/tasks'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { startSmtpSink, type SmtpSink } from '../support/smtp'

const NOW = new Date('2026-11-18T09:00:00Z')
const HOUR = 3_600_000

let database: TestDatabase
let smtp: SmtpSink
let mailer: Mailer
let tenantId: string
let rep: { id: string, email: string }
let manager: { id: string, email: string }
const inTenant = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(database.db, tenantId, fn)
const run = (name: 'tasks:reminders' | 'digest:send', now = NOW) => runTask(database.db, name, { tenantId, now, mailer })
const inbox = (userId: string) => inTenant(tx => listNotifications(tx, tenantId, userId, { limit: 100 }))

beforeAll(async () => {
  database = await createTestDatabase()
  smtp = await startSmtpSink()
  mailer = smtpMailer({ url: smtp.url, from: 'crm@momentum.test' })
  const made = await createTenant(database.db, { name: 'Work Co' }, async (tx, t) => ({
    rep: await createUser(tx, t.id, { email: 'riley@work.test', name: 'Riley Chen', role: 'rep', password: 'a-good-password' }),
    manager: await createUser(tx, t.id, { email: 'maya@work.test', name: 'Maya Manager', role: 'manager', password: 'a-good-password' }),
  }))
  tenantId = made.tenant.id
  rep = made.result!.rep
  manager = made.result!.manager
})
afterAll(async () => {
  mailer.close()
  await smtp.close()
  await database.close()
})
beforeEach(() => smtp.clear())

describe('task reminders', () => {
  it('a task due now gives its assignee one reminder and one email; running the reminders task again gives no more', async () => {
    const task = await inTenant(tx =>
      createTask(
        tx,
        { tenantId, userId: rep.id, now: new Date(NOW.getTime() - HOUR) },
        { title: 'Call the CFO', dueAt: NOW, priority: 'high' },
      ),
    )
    await run('tasks:reminders')
    await run('tasks:reminders', new Date(NOW.getTime() + HOUR))
    const reminders = (await inbox(rep.id)).data.filter(n => n.kind === 'reminder')
    expect(reminders).toHaveLength(1)
    expect(reminders[0]).toMatchObject({ title: 'Due: Call the CFO', taskId: task.id, readAt: null })
    const mails = await smtp.waitFor(1)
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(smtp.messages).toHaveLength(1)
    expect(mails[0]).toMatchObject({ to: ['riley@work.test'], subject: 'Due: Call the CFO' })
  })

  it('a rescheduled task is reminded again at its new time; a user who turned reminder emails off gets the notification only', async () => {
    await inTenant(tx => setPreferences(tx, tenantId, rep.id, { reminderEmail: false }))
    const task = await inTenant(tx =>
      createTask(
        tx,
        { tenantId, userId: rep.id, now: NOW },
        { title: 'Send the proposal', dueAt: new Date(NOW.getTime() + HOUR), priority: 'normal' },
      ),
    )
    await run('tasks:reminders', new Date(NOW.getTime() + 2 * HOUR))
    await inTenant(tx => tx.update(tasks).set({ dueAt: new Date(NOW.getTime() + 3 * HOUR) }).where(eq(tasks.id, task.id)))
    await run('tasks:reminders', new Date(NOW.getTime() + 4 * HOUR))
    await run('tasks:reminders', new Date(NOW.getTime() + 5 * HOUR))
    expect((await inbox(rep.id)).data.filter(n => n.taskId === task.id)).toHaveLength(2)
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(smtp.messages).toHaveLength(0)
    await inTenant(tx => setPreferences(tx, tenantId, rep.id, { reminderEmail: true }))
  })

  it('lists the caller\'s overdue, today\'s and upcoming tasks by the caller\'s own midnight', async () => {
    const at = new Date('2026-11-18T20:00:00Z')
    const make = (title: string, dueAt: string) =>
      inTenant(tx => createTask(tx, { tenantId, userId: manager.id, now: at }, { title, dueAt: new Date(dueAt), priority: 'normal' }))
    await make('late', '2026-11-18T10:00:00Z')
    await make('tonight', '2026-11-18T22:30:00Z')
    await make('tomorrow', '2026-11-19T09:00:00Z')
    const list = async (due: string, tzOffset: number) =>
      (await inTenant(tx => listTasks(tx, tenantId, manager.id, TaskListQuerySchema.parse({ mine: '1', due, tzOffset }), at))).data.map(
        t => t.title,
      )
    expect(await list('overdue', 0)).toEqual(['late'])
    expect(await list('today', 0)).toEqual(['tonight'])
    expect(await list('upcoming', 0)).toEqual(['tomorrow'])
    // In UTC+2 it is already 22:00: 22:30 UTC is tomorrow there.
    expect(await list('today', 120)).toEqual([])
    expect(await list('upcoming', 120)).toEqual(['tonight', 'tomorrow'])
  })
})

describe('no next step', () => {
  it('flags an open deal without an open task once, '
    + 'settles it when a task is added and flags it again after that task is done', async () => {
    const deal = await inTenant(tx =>
      createDeal(
        tx,
        { tenantId, userId: rep.id, now: new Date(NOW.getTime() - 48 * HOUR) },
        { name: 'Lonely deal', amount: 5000, stage: 'qualified' },
      ),
    )
    const flagged = () =>
      inTenant(tx =>
        tx
          .select()
          .from(alerts)
          .where(and(eq(alerts.dealId, deal.id), eq(alerts.kind, 'no_next_step'))),
      )
    await run('tasks:reminders')
    await run('tasks:reminders', new Date(NOW.getTime() + HOUR))
    expect((await flagged()).map(a => a.status)).toEqual(['open'])
    expect((await inbox(rep.id)).data.filter(n => n.dealId === deal.id && n.kind === 'alert')).toHaveLength(1)

    const task = await inTenant(tx =>
      createTask(
        tx,
        { tenantId, userId: rep.id, now: new Date(NOW.getTime() + 2 * HOUR) },
        { title: 'Book a demo', dueAt: new Date(NOW.getTime() + 96 * HOUR), dealId: deal.id, priority: 'normal' },
      ),
    )
    expect((await flagged()).map(a => a.status)).toEqual(['resolved'])
    await run('tasks:reminders', new Date(NOW.getTime() + 3 * HOUR))
    expect((await flagged()).filter(a => a.status === 'open')).toHaveLength(0)

    await inTenant(tx => completeTask(tx, { tenantId, userId: rep.id, now: new Date(NOW.getTime() + 4 * HOUR) }, task.id))
    const completed = await inTenant(tx =>
      tx
        .select()
        .from(events)
        .where(and(eq(events.dealId, deal.id), eq(events.type, 'task_completed'))),
    )
    expect(completed).toHaveLength(1)
    await run('tasks:reminders', new Date(NOW.getTime() + 5 * HOUR))
    await run('tasks:reminders', new Date(NOW.getTime() + 6 * HOUR))
    expect((await flagged()).map(a => a.status).sort()).toEqual(['open', 'resolved'])
  })
})

describe('mentions', () => {
  it('a note that @mentions someone by first name or email notifies them once, and never its author', async () => {
    const deal = await inTenant(tx => createDeal(tx, { tenantId, userId: rep.id }, { name: 'Mentioned deal', amount: 100 }))
    await inTenant(tx =>
      logActivity(
        tx,
        { tenantId, userId: rep.id },
        { type: 'note', dealId: deal.id, body: 'Pricing question for @maya@work.test and @Maya — cc @riley' },
      ),
    )
    const mine = (await inbox(manager.id)).data.filter(n => n.kind === 'mention')
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({ title: 'Riley Chen mentioned you in a note', dealId: deal.id, link: `/deals/${deal.id}` })
    expect((await inbox(rep.id)).data.filter(n => n.kind === 'mention')).toEqual([])
    expect(await inTenant(tx => markRead(tx, tenantId, manager.id, [mine[0]!.id]))).toEqual({ read: 1 })
    expect(
      (await inTenant(tx => listNotifications(tx, tenantId, manager.id, { unread: true, limit: 100 }))).data.map(n => n.id),
    ).not.toContain(mine[0]!.id)
  })
})

describe('the daily digest', () => {
  it('emails each user who wants it their overdue tasks and new alerts once a day; users who turned it off get none', async () => {
    await inTenant(tx => setPreferences(tx, tenantId, manager.id, { digestEmail: false }))
    const later = new Date(NOW.getTime() + 24 * HOUR)
    const first = await run('digest:send', later)
    const again = await run('digest:send', new Date(later.getTime() + HOUR))
    expect(first[0]).toMatchObject({ status: 'done', touched: 1 })
    expect(again[0]).toMatchObject({ touched: 0 })
    const [mail] = await smtp.waitFor(1)
    expect(smtp.messages).toHaveLength(1)
    expect(mail!.to).toEqual(['riley@work.test'])
    expect(mail!.subject).toContain('Your day in Momentum, 2026-11-19')
    expect(mail!.text).toContain('Overdue tasks')
    expect(mail!.text).toContain('Call the CFO')
    expect(mail!.text).toContain('New alerts')
    expect(mail!.text).toContain('No next step')
  })

  it('stores nothing for another tenant: notifications are the recipient\'s tenant\'s alone', async () => {
    const other = await createTenant(database.db, { name: 'Other Co' })
    const rows = await withTenant(database.db, other.tenant.id, tx => tx.select().from(notifications))
    expect(rows).toEqual([])
  })
})
