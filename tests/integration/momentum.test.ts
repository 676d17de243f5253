import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alerts, dealScores, pipelineSnapshots } from '../../db/schema'
import { queryRows } from '../../db/client'
import { withTenant } from '../../server/domain/db'
import { changeDealStage, createDeal, updateDeal, type Actor } from '../../server/domain/deals/records'
import { createAccount } from '../../server/domain/records/accounts'
import { createContact } from '../../server/domain/records/contacts'
import { writeEvents, type EventRow } from '../../server/domain/events/write'
import { calibration } from '../../server/domain/momentum/calibration'
import { dismissAlert } from '../../server/domain/momentum/queries'
import { refreshMomentum } from '../../server/domain/momentum/refresh'
import { runTask } from '../../server/domain/jobs/registry'
import { dealSignals } from '../../server/domain/momentum/signals'
import { pipelineSummary } from '../../server/domain/momentum/views'
import { createTenant, createUser } from '../../server/domain/tenancy/tenants'
import { createTestDatabase, type TestDatabase } from '../support/database'

const DAY = 86_400_000
const NOW = new Date('2026-11-20T12:00:00Z')
const ago = (days: number) => new Date(NOW.getTime() - days * DAY)
const isoDay = (d: Date) => d.toISOString().slice(0, 10)

let database: TestDatabase
let tenantId: string
let rep: Actor & { userId: string }
let other: Actor & { userId: string }
const deal: Record<string, string> = {}
const contact: string[] = []

const inTenant = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, tenantId, fn)
const at = (actor: Actor, when: Date): Actor => ({ ...actor, now: when })

beforeAll(async () => {
  database = await createTestDatabase()
  tenantId = (await createTenant(database.db, { name: 'Momentum Co' })).tenant.id
  await inTenant(async (tx) => {
    const u = await createUser(tx, tenantId, { email: 'rep@momentum.test', name: 'Rep', role: 'rep' })
    const o = await createUser(tx, tenantId, { email: 'other@momentum.test', name: 'Other', role: 'rep' })
    rep = { tenantId, userId: u.id }
    other = { tenantId, userId: o.id }
    const account = await createAccount(tx, at(rep, ago(60)), { name: 'Acme' })
    for (let i = 0; i < 4; i++) contact.push((await createContact(tx, at(rep, ago(60)), { firstName: `C${i}`, email: `c${i}@acme.test`, accountId: account.id })).id)
    const make = async (name: string, created: number, input: Partial<Parameters<typeof createDeal>[2]> = {}, actor = rep) =>
      (await createDeal(tx, at(actor, ago(created)), { name, amount: 10_000, closeDate: isoDay(ago(-45)), accountId: account.id, contactIds: contact, ...input })).id
    deal.hot = await make('Hot', 30, { stage: 'contacted', amount: 50_000 })
    await changeDealStage(tx, at(rep, ago(5)), deal.hot, { to: 'qualified' })
    deal.quiet = await make('Quiet', 40, { stage: 'proposal', amount: 20_000 })
    deal.pushed = await make('Pushed', 20, { stage: 'contacted' })
    deal.overdue = await make('Overdue', 10, { stage: 'negotiation', closeDate: isoDay(ago(3)) }, other)
    deal.won = await make('Won', 50, { stage: 'won' })
    await updateDeal(tx, at(rep, ago(10)), deal.pushed, { closeDate: isoDay(ago(-60)) })
    await updateDeal(tx, at(rep, ago(5)), deal.pushed, { closeDate: isoDay(ago(-90)) })

    const ev = (dealId: string, type: EventRow['type'], daysAgo: number, contactIndex = 0): EventRow =>
      ({ type, occurredAt: ago(daysAgo), source: 'direct', dealId, contactId: contact[contactIndex], actorUserId: type === 'email_received' ? null : rep.userId })
    await writeEvents(tx, tenantId, [
      // Hot: one email a week before, then a burst this week with three people answering.
      ...[10, 17, 24, 31].map(d => ev(deal.hot!, 'email_sent', d)),
      ...[1, 1, 2, 2, 3, 3, 4].map(d => ev(deal.hot!, 'email_sent', d)),
      ev(deal.hot!, 'email_received', 1, 0), ev(deal.hot!, 'email_received', 2, 1), ev(deal.hot!, 'meeting_held', 1, 2),
      // Quiet: the last reply 20 days ago, six emails since without an answer.
      ev(deal.quiet!, 'email_received', 20), ...[18, 15, 12, 9, 6, 3].map(d => ev(deal.quiet!, 'email_sent', d)),
      // Pushed: engaged two days ago.
      ev(deal.pushed!, 'email_received', 2),
      // Overdue: a reply a week ago.
      ev(deal.overdue!, 'email_received', 7),
    ])
  })
})
afterAll(() => database.close())

const scores = async () => Object.fromEntries((await inTenant(tx => tx.select().from(dealScores).where(eq(dealScores.tenantId, tenantId))))
  .map(s => [Object.entries(deal).find(([, id]) => id === s.dealId)![0], s]))
const openAlerts = () => inTenant(tx => tx.select({ dealId: alerts.dealId, kind: alerts.kind, status: alerts.status, id: alerts.id }).from(alerts).where(eq(alerts.tenantId, tenantId)))
const nameOf = (id: string) => Object.entries(deal).find(([, v]) => v === id)![0]

describe('the momentum run', () => {
  it('scores each open deal with a state and readable reasons, and leaves closed deals alone', async () => {
    const runs = await runTask(database.db, 'momentum:refresh', { tenantId, now: NOW, full: true })
    expect(runs.map(r => [r.name, r.status, r.touched])).toEqual([['momentum:refresh', 'done', 4], ['pipeline:refresh', 'done', 1]])
    const s = await scores()
    expect(Object.keys(s).sort()).toEqual(['hot', 'overdue', 'pushed', 'quiet'])
    expect(s.hot).toMatchObject({ state: 'accelerating' })
    expect(s.hot!.reasons.map(r => r.text)).toEqual(expect.arrayContaining(['3 stakeholders engaged this week', 'the buyer engaged 1 day ago']))
    expect(s.quiet).toMatchObject({ state: 'at_risk' })
    expect(s.quiet!.reasons.map(r => r.text)).toEqual(expect.arrayContaining(['no reply in 20 days', '40 days in Proposal (typical 14)']))
    expect(s.pushed!.reasons.map(r => r.text)).toContain('close date pushed twice')
    expect(s.overdue).toMatchObject({ state: 'at_risk' })
    expect(s.overdue!.reasons[0]!.text).toBe('close date passed 3 days ago')
  })

  it('raises each alert once: a second run on the same data adds none, and a dismissed alert stays dismissed', async () => {
    const first = (await openAlerts()).map(a => `${nameOf(a.dealId)}:${a.kind}`).sort()
    expect(first).toEqual(['overdue:at_risk', 'overdue:close_date_passed', 'quiet:at_risk', 'quiet:quiet_after_proposal', 'quiet:stage_overdue'])
    const again = await inTenant(tx => refreshMomentum(tx, tenantId, { now: NOW, full: true }))
    expect(again).toMatchObject({ scored: 4, alertsCreated: 0, alertsClosed: 0 })
    const passed = (await openAlerts()).find(a => a.kind === 'close_date_passed')!
    await inTenant(tx => dismissAlert(tx, tenantId, rep.userId, passed.id))
    await inTenant(tx => refreshMomentum(tx, tenantId, { now: new Date(NOW.getTime() + 3_600_000), full: true }))
    const after = await openAlerts()
    expect(after).toHaveLength(5)
    expect(after.find(a => a.id === passed.id)!.status).toBe('dismissed')
  })

  it('rescores only the deals with new events within a day, and every deal on the next day', async () => {
    const before = await scores()
    const idle = await inTenant(tx => refreshMomentum(tx, tenantId, { now: new Date(NOW.getTime() + 2 * 3_600_000) }))
    expect(idle).toMatchObject({ scored: 0, reasons: { dirty: 0, unscored: 0, stale: 0 } })

    const replyAt = new Date(NOW.getTime() + 2 * 3_600_000)
    await inTenant(tx => writeEvents(tx, tenantId, [{ type: 'email_received', occurredAt: replyAt, source: 'direct', dealId: deal.quiet, contactId: contact[3] }]))
    const touched = await inTenant(tx => refreshMomentum(tx, tenantId, { now: new Date(NOW.getTime() + 3 * 3_600_000) }))
    expect(touched).toMatchObject({ scored: 1, reasons: { dirty: 1, unscored: 0, stale: 0 } })
    const after = await scores()
    expect(after.hot!.computedAt).toEqual(before.hot!.computedAt)
    expect(after.quiet!.state).not.toBe('at_risk')
    expect(after.quiet!.reasons.map(r => r.text)).toContain('the buyer engaged today')
    // The reply ended the at-risk alert; the stage is still overdue.
    const quietAlerts = (await openAlerts()).filter(a => a.dealId === deal.quiet)
    expect(quietAlerts.find(a => a.kind === 'at_risk')!.status).toBe('resolved')
    expect(quietAlerts.find(a => a.kind === 'stage_overdue')!.status).toBe('open')

    const nextDay = await inTenant(tx => refreshMomentum(tx, tenantId, { now: new Date(NOW.getTime() + DAY) }))
    expect(nextDay).toMatchObject({ scored: 4, reasons: { dirty: 0, unscored: 0, stale: 4 }, refitted: true })
  })

  it('leaves nothing behind when a run is cut off, and the next run completes it once', async () => {
    const { tenant } = await createTenant(database.db, { name: 'Cut Off Co' })
    const owner = await withTenant(database.db, tenant.id, tx => createUser(tx, tenant.id, { email: 'o@cut.test', name: 'O', role: 'rep' }))
    await withTenant(database.db, tenant.id, tx => createDeal(tx, { tenantId: tenant.id, userId: owner.id, now: ago(10) }, { name: 'Late', amount: 1, closeDate: isoDay(ago(2)) }))
    const count = async (table: typeof alerts | typeof dealScores) => (await withTenant(database.db, tenant.id, tx => tx.select({ n: sql<number>`count(*)::int` }).from(table)))[0]!.n
    await expect(withTenant(database.db, tenant.id, async (tx) => {
      await refreshMomentum(tx, tenant.id, { now: NOW })
      throw new Error('killed')
    })).rejects.toThrow('killed')
    expect([await count(dealScores), await count(alerts)]).toEqual([0, 0])
    await runTask(database.db, 'momentum:refresh', { tenantId: tenant.id, now: NOW })
    await runTask(database.db, 'momentum:refresh', { tenantId: tenant.id, now: NOW, full: true })
    expect([await count(dealScores), await count(alerts)]).toEqual([1, 2])
  })

  it('leaves machine-flagged email events out of the signals', async () => {
    const later = new Date(NOW.getTime() + 4 * 3_600_000)
    const before = (await inTenant(tx => dealSignals(tx, tenantId, later, [deal.overdue!])))[0]!
    await inTenant(tx => writeEvents(tx, tenantId, Array.from({ length: 5 }, () => ({
      type: 'email_opened' as const, occurredAt: new Date(NOW.getTime() + 3_600_000), source: 'sendgrid', dealId: deal.overdue, contactId: contact[1],
      metadata: { machine: true, machineReason: 'apple_privacy_proxy' },
    }))))
    const after = (await inTenant(tx => dealSignals(tx, tenantId, later, [deal.overdue!])))[0]!
    expect(after.recent7).toBe(before.recent7)
    expect(after.contacts7).toBe(before.contacts7)
    await inTenant(tx => writeEvents(tx, tenantId, [{ type: 'email_opened', occurredAt: new Date(NOW.getTime() + 3_600_000), source: 'sendgrid', dealId: deal.overdue, contactId: contact[1] }]))
    expect((await inTenant(tx => dealSignals(tx, tenantId, later, [deal.overdue!])))[0]!.recent7).toBe(before.recent7 + 1)
  })

  it.skipIf(!process.env.TEST_DATABASE_URL)('skips a run while another process runs the same tenant (single-flight)', async () => {
    await database.db.transaction(async (holder) => {
      await holder.execute(sql`select pg_advisory_xact_lock(hashtext('momentum:refresh'), hashtext(${tenantId}))`)
      const result = await inTenant(tx => refreshMomentum(tx, tenantId, { now: NOW }))
      expect(result.skipped).toBe('locked')
    })
  })
})

describe('the pipeline views and snapshots', () => {
  it('summarizes each stage for the tenant and for an owner exactly as a direct query over the deals does', async () => {
    await runTask(database.db, 'pipeline:refresh')
    const direct = await inTenant(tx => queryRows<{ stage: string, count: number, value: number, weighted: number }>(tx, sql`
      select d.stage, count(*)::int as count, sum(d.amount)::float as value, sum(d.amount * coalesce(d.probability, s.probability) / 100.0)::float as weighted
      from deals d join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage group by d.stage`))
    const tenantView = await inTenant(tx => pipelineSummary(tx, 'tenant'))
    for (const row of direct) expect(tenantView.stages.find(s => s.stage === row.stage)).toMatchObject(row)
    expect(tenantView.stages.find(s => s.stage === 'new')).toMatchObject({ count: 0, value: 0 })
    expect(tenantView.totals).toMatchObject({ openCount: 4, openValue: 90_000 })
    expect(tenantView.stages.find(s => s.stage === 'qualified')).toMatchObject({ accelerating: 1 })

    const otherView = await inTenant(tx => pipelineSummary(tx, `owner:${other.userId}`))
    expect(otherView.totals).toMatchObject({ openCount: 1, openValue: 10_000, weighted: 7_500 })
  })

  it('snapshots each open deal once per day, however often it runs', async () => {
    await runTask(database.db, 'pipeline:snapshot', { tenantId, now: NOW })
    await runTask(database.db, 'pipeline:snapshot', { tenantId, now: new Date(NOW.getTime() + 3_600_000) })
    const rows = await inTenant(tx => tx.select().from(pipelineSnapshots).where(eq(pipelineSnapshots.tenantId, tenantId)))
    expect(rows).toHaveLength(4)
    expect(rows.find(r => r.dealId === deal.overdue)).toMatchObject({ day: isoDay(NOW), stage: 'negotiation', forecastCategory: 'commit', probability: 75, closeDate: isoDay(ago(3)) })
  })

  it('calibrates: a closed deal counts in the band of its last score before it closed', async () => {
    const [last] = await inTenant(tx => tx.select({ score: dealScores.score }).from(dealScores).where(and(eq(dealScores.tenantId, tenantId), eq(dealScores.dealId, deal.pushed!))))
    await inTenant(tx => changeDealStage(tx, at(rep, new Date(NOW.getTime() + 2 * DAY)), deal.pushed!, { to: 'lost', reason: 'no budget' }))
    const table = await inTenant(tx => calibration(tx, tenantId))
    expect(table.closed).toEqual({ won: 0, lost: 1 })
    const band = table.bands.find(b => last!.score >= b.from && last!.score <= b.to)!
    expect(band).toMatchObject({ deals: 1, won: 0, winRate: 0 })
    expect(table.weights.source).toBe('rules')
  })
})
