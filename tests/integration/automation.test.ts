import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { automationQueue, deals, events, notifications, tasks } from '../../db/schema'
import { MAX_RULE_DEPTH } from '../../server/domain/automation/engine'
import { createRule, dryRunRule, listRuns } from '../../server/domain/automation/rules'
import { RuleSchema } from '../../server/domain/automation/schemas'
import { withTenant, type Tx } from '../../server/domain/core/db'
import { changeDealStage, createDeal, updateDeal } from '../../server/domain/deals/records'
import { writeEvents } from '../../server/domain/events/write'
import { runTask } from '../../server/domain/jobs/registry'
import { createTeam, createTenant, createUser, setTeamManager } from '../../server/domain/tenancy/tenants'
import { createTask } from '../../server/domain/tasks/tasks'
import { createTestDatabase, type TestDatabase } from '../support/database'

const DAY = 86_400_000
const NOW = new Date('2026-11-18T09:00:00Z')
const at = (ms: number) => new Date(NOW.getTime() + ms)

let database: TestDatabase
let tenantId: string
let rep: string
let manager: string
const inTenant = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(database.db, tenantId, fn)
const automation = (now: Date) => runTask(database.db, 'automation:run', { tenantId, now, mailer: null })
const rule = (input: unknown, now = at(-3_600_000)) =>
  inTenant(tx => createRule(tx, { tenantId, userId: manager }, RuleSchema.parse(input), now))
const actor = (now: Date) => ({ tenantId, userId: rep, now })

beforeAll(async () => {
  database = await createTestDatabase()
  const made = await createTenant(database.db, { name: 'Automation Co' }, async (tx, t) => {
    const team = await createTeam(tx, t.id, { name: 'West' })
    const m = await createUser(tx, t.id, { email: 'maya@auto.test', name: 'Maya Manager', role: 'manager', teamId: team.id })
    await setTeamManager(tx, t.id, team.id, m.id)
    const r = await createUser(tx, t.id, { email: 'riley@auto.test', name: 'Riley Rep', role: 'rep', teamId: team.id })
    return { rep: r.id, manager: m.id }
  })
  tenantId = made.tenant.id
  rep = made.result!.rep
  manager = made.result!.manager
})
afterAll(() => database.close())

describe('event-triggered rules', () => {
  it('"deal enters proposal -> task for the owner in 2 days" fires once per entry: in, out, in again gives 2 tasks; '
    + 're-running gives no more', async () => {
    const proposal = await rule({
      name: 'Proposal follow-up',
      trigger: { kind: 'stage_entered', stage: 'proposal' },
      actions: [{ kind: 'create_task', title: 'Follow up on the {{deal.name}} proposal', dueInDays: 2 }],
    })
    const deal = await inTenant(tx => createDeal(tx, actor(at(-2 * 3_600_000)), { name: 'Acme', amount: 20_000, stage: 'qualified' }))
    await inTenant(tx => changeDealStage(tx, actor(NOW), deal.id, { to: 'proposal' }))
    expect(await inTenant(tx => tx.select().from(automationQueue))).not.toHaveLength(0)
    await automation(at(60_000))
    const dealTasks = () => inTenant(tx => tx.select().from(tasks).where(eq(tasks.dealId, deal.id)))
    const first = await dealTasks()
    expect(first).toHaveLength(1)
    expect(first[0]).toMatchObject({ title: 'Follow up on the Acme proposal', assigneeId: rep, dueAt: at(60_000 + 2 * DAY) })

    for (const [i, to] of ['lost', 'new', 'contacted', 'qualified', 'proposal'].entries()) {
      await inTenant(tx => changeDealStage(tx, actor(at((i + 2) * 60_000)), deal.id, { to }))
    }
    await automation(at(10 * 60_000))
    await automation(at(20 * 60_000))
    await automation(at(2 * 3_600_000))
    expect(await dealTasks()).toHaveLength(2)
    expect(await inTenant(tx => tx.select().from(automationQueue))).toEqual([])
    const runs = await inTenant(tx => listRuns(tx, tenantId, proposal.id))
    expect(runs.map(r => [r.status, r.dealName])).toEqual([
      ['done', 'Acme'],
      ['done', 'Acme'],
    ])
    // The owner was told about each task.
    const told = await inTenant(tx =>
      tx
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, rep), eq(notifications.kind, 'automation'))),
    )
    expect(told).toHaveLength(2)
  })

  it('checks conditions against the deal: only deals over 50,000 from referrals get the tag and the manager\'s note', async () => {
    await rule({
      name: 'Big referral',
      trigger: { kind: 'event', type: 'deal_created' },
      conditions: [
        { field: 'amount', op: 'gt', value: 50_000 },
        { field: 'source', op: 'in', value: ['referral', 'partner'] },
      ],
      actions: [
        { kind: 'add_tag', tag: 'big-referral' },
        { kind: 'notify', to: 'manager', message: 'Big referral: {{deal.name}}' },
        { kind: 'set_field', field: 'probability', value: 40 },
      ],
    })
    const big = await inTenant(tx => createDeal(tx, actor(NOW), { name: 'Globex', amount: 80_000, source: 'referral' }))
    const small = await inTenant(tx => createDeal(tx, actor(NOW), { name: 'Initech', amount: 10_000, source: 'referral' }))
    const direct = await inTenant(tx => createDeal(tx, actor(NOW), { name: 'Umbrella', amount: 90_000 }))
    await automation(at(60_000))
    const rows = await inTenant(tx => tx.select({ id: deals.id, tags: deals.tags, probability: deals.probability }).from(deals))
    const byId = new Map(rows.map(r => [r.id, r]))
    expect(byId.get(big.id)).toMatchObject({ tags: ['big-referral'], probability: 40 })
    expect(byId.get(small.id)).toMatchObject({ tags: [], probability: null })
    expect(byId.get(direct.id)).toMatchObject({ tags: [], probability: null })
    const note = await inTenant(tx =>
      tx
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, manager), eq(notifications.kind, 'automation'))),
    )
    expect(note.map(n => n.title)).toEqual(['Big referral: Globex'])
  })

  it('events from before the rule existed, or imported history, do not set it off', async () => {
    const old = await inTenant(tx => createDeal(tx, actor(at(-10 * DAY)), { name: 'Old', amount: 1, stage: 'qualified' }))
    await inTenant(tx => changeDealStage(tx, actor(at(-9 * DAY)), old.id, { to: 'proposal' }))
    await automation(at(5 * 60_000))
    expect(await inTenant(tx => tx.select().from(tasks).where(eq(tasks.dealId, old.id)))).toEqual([])
  })
})

describe('time-based rules and the dry-run', () => {
  it('the dry-run lists exactly the quiet deals over 10,000, touching nothing; '
    + 'the run then acts on them once per quiet spell', async () => {
    const quiet = await rule(
      {
        name: 'Quiet big deals',
        trigger: { kind: 'no_activity', days: 7 },
        conditions: [{ field: 'amount', op: 'gte', value: 10_000 }],
        actions: [{ kind: 'create_task', title: 'Revive {{deal.name}}', dueInDays: 1, assignTo: 'manager', priority: 'high' }],
      },
      NOW,
    )
    const make = (name: string, amount: number, daysAgo: number) =>
      inTenant(tx => createDeal(tx, actor(at(-daysAgo * DAY)), { name, amount, stage: 'contacted' }))
    const sleepy = await make('Sleepy big', 30_000, 20)
    await make('Sleepy small', 2_000, 20)
    const busy = await make('Busy big', 40_000, 20)
    await inTenant(tx =>
      writeEvents(tx, tenantId, [{ type: 'call', occurredAt: at(-2 * DAY), source: 'direct', dealId: busy.id, actorUserId: rep }]),
    )
    const later = at(2 * 3_600_000)
    const preview = await inTenant(tx => dryRunRule(tx, tenantId, quiet.id, later))
    const previewed = preview.map(p => p.deal?.name).sort()
    expect(previewed).toContain('Sleepy big')
    expect(previewed).not.toContain('Sleepy small')
    expect(previewed).not.toContain('Busy big')
    expect(preview.every(p => !p.alreadyRun)).toBe(true)
    expect(await inTenant(tx => tx.select().from(tasks).where(eq(tasks.dealId, sleepy.id)))).toEqual([])

    await automation(later)
    await automation(at(3 * 3_600_000))
    const revived = await inTenant(tx => tx.select().from(tasks).where(eq(tasks.dealId, sleepy.id)))
    expect(revived).toHaveLength(1)
    expect(revived[0]).toMatchObject({ title: 'Revive Sleepy big', assigneeId: manager, priority: 'high' })
    expect(previewed.length).toBe((await inTenant(tx => listRuns(tx, tenantId, quiet.id))).length)
    expect((await inTenant(tx => dryRunRule(tx, tenantId, quiet.id, at(3 * 3_600_000)))).every(p => p.alreadyRun)).toBe(true)
  })

  it('"task overdue" notifies the assignee\'s manager once per task and due time', async () => {
    await rule(
      {
        name: 'Overdue',
        trigger: { kind: 'task_overdue' },
        actions: [{ kind: 'notify', to: 'manager', message: 'Overdue: {{task.title}}' }],
      },
      NOW,
    )
    await inTenant(tx =>
      createTask(tx, { tenantId, userId: rep, now: NOW }, { title: 'Send the contract', dueAt: at(3_600_000), priority: 'normal' }),
    )
    await automation(at(30 * 60_000))
    await automation(at(2 * 3_600_000))
    await automation(at(3 * 3_600_000))
    const told = await inTenant(tx =>
      tx
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, manager), eq(notifications.title, 'Overdue: Send the contract'))),
    )
    expect(told).toHaveLength(1)
  })

  it('a tenant\'s queue and rules never run for another tenant', async () => {
    const other = await createTenant(database.db, { name: 'Other' })
    const runs = await runTask(database.db, 'automation:run', { tenantId: other.tenant.id, now: at(4 * 3_600_000), mailer: null })
    expect(runs[0]).toMatchObject({ touched: 0 })
    expect(await withTenant(database.db, other.tenant.id, tx => tx.select().from(events))).toEqual([])
  })
})

describe('chains of rules', () => {
  it('stops two rules that undo each other after three links: the next link is logged as not run and later runs add nothing', async () => {
    // A tenant of its own: these rules fire on every deal change.
    const { tenant, result } = await createTenant(database.db, { name: 'Loop Co' }, async (tx, t) =>
      (await createUser(tx, t.id, { email: 'lu@loop.test', name: 'Lu Admin', role: 'admin' })).id)
    const T = tenant.id
    const inLoop = <R>(fn: (tx: Tx) => Promise<R>) => withTenant(database.db, T, fn)
    const made = (input: unknown) => inLoop(tx => createRule(tx, { tenantId: T, userId: result! }, RuleSchema.parse(input), at(-3_600_000)))
    const ping = await made({
      name: 'Ping',
      trigger: { kind: 'event', type: 'deal_updated' },
      actions: [{ kind: 'set_field', field: 'probability', value: 10 }],
    })
    const pong = await made({
      name: 'Pong',
      trigger: { kind: 'event', type: 'deal_updated' },
      actions: [{ kind: 'set_field', field: 'probability', value: 20 }],
    })
    const deal = await inLoop(tx => createDeal(tx, { tenantId: T, userId: result!, now: at(-60_000) }, { name: 'Loop', amount: 1 }))
    await inLoop(tx => updateDeal(tx, { tenantId: T, userId: result!, now: NOW }, deal.id, { amount: 2 }))

    const run = (now: Date) => runTask(database.db, 'automation:run', { tenantId: T, now, mailer: null })
    const updates = () =>
      inLoop(tx =>
        tx
          .select({ metadata: events.metadata })
          .from(events)
          .where(and(eq(events.tenantId, T), eq(events.type, 'deal_updated'))),
      )
    await run(at(60_000))
    const written = await updates()
    const depths = written.map(e => (e.metadata as { automation?: { depth: number } }).automation?.depth ?? 0)
    expect(Math.max(...depths)).toBe(MAX_RULE_DEPTH)
    expect(depths).toContain(0) // the person's change
    await run(at(120_000))
    await run(at(3_600_000))
    expect(await updates()).toHaveLength(written.length)

    const logs = [...await inLoop(tx => listRuns(tx, T, ping.id)), ...await inLoop(tx => listRuns(tx, T, pong.id))]
    const stopped = logs.filter(r => r.status === 'failed')
    expect(stopped.length).toBeGreaterThan(0)
    expect(stopped[0]!.error).toMatch(new RegExp(`^not run: the event was made by a chain of ${MAX_RULE_DEPTH} rules`))
    expect(logs.filter(r => r.status === 'done').length).toBeGreaterThan(0)
  })
})
