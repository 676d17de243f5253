import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alerts, dealScores, pipelineSnapshots } from '../../db/schema'
import { queryRows } from '../../db/client'
import { withTenant } from '../../server/domain/core/db'
import { changeDealStage, createDeal, updateDeal, type Actor } from '../../server/domain/deals/records'
import { createAccount } from '../../server/domain/records/accounts'
import { createContact } from '../../server/domain/records/contacts'
import { ingestEvents, parseEventBatch } from '../../server/domain/events/ingest'
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
    for (let i = 0; i < 4; i++)
      contact.push((await createContact(tx, at(rep, ago(60)), { firstName: `C${i}`, email: `c${i}@acme.test`, accountId: account.id })).id)
    const make = async (name: string, created: number, input: Partial<Parameters<typeof createDeal>[2]> = {}, actor = rep) =>
      (
        await createDeal(tx, at(actor, ago(created)), {
          name,
          amount: 10_000,
          closeDate: isoDay(ago(-45)),
          accountId: account.id,
          contactIds: contact,
          ...input,
        })
      ).id
    deal.hot = await make('Hot', 30, { stage: 'contacted', amount: 50_000 })
    await changeDealStage(tx, at(rep, ago(5)), deal.hot, { to: 'qualified' })
    deal.quiet = await make('Quiet', 40, { stage: 'proposal', amount: 20_000 })
    deal.pushed = await make('Pushed', 20, { stage: 'contacted' })
    deal.overdue = await make('Overdue', 10, { stage: 'negotiation', closeDate: isoDay(ago(3)) }, other)
    deal.won = await make('Won', 50, { stage: 'won' })
    await updateDeal(tx, at(rep, ago(10)), deal.pushed, { closeDate: isoDay(ago(-60)) })
    await updateDeal(tx, at(rep, ago(5)), deal.pushed, { closeDate: isoDay(ago(-90)) })

    const ev = (dealId: string, type: EventRow['type'], daysAgo: number, contactIndex = 0): EventRow => ({
      type,
      occurredAt: ago(daysAgo),
      source: 'direct',
      dealId,
      contactId: contact[contactIndex],
      actorUserId: type === 'email_received' ? null : rep.userId,
    })
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

/** The scores of the tenant's named deals (test deals made and closed on the way are left out). */
const scores = async () => Object.fromEntries((await inTenant(tx => tx.select().from(dealScores).where(eq(dealScores.tenantId, tenantId))))
  .flatMap((s) => {
    const name = Object.entries(deal).find(([, id]) => id === s.dealId)?.[0]
    return name ? [[name, s]] : []
  }))
const openAlerts = () =>
  inTenant(tx =>
    tx
      .select({ dealId: alerts.dealId, kind: alerts.kind, status: alerts.status, id: alerts.id })
      .from(alerts)
      .where(eq(alerts.tenantId, tenantId)),
  )

/** A reason's fact, without the points it moves the chance by. */
const fact = (text: string) => text.replace(/ \(((raises|cuts) the chance by .*|does not change the chance by itself)\)$/, '')
const facts = (reasons: { text: string }[]) => reasons.map(r => fact(r.text))

describe('the momentum run', () => {
  it('scores each open deal with a win probability, a state and readable reasons, and leaves closed deals alone', async () => {
    const runs = await runTask(database.db, 'momentum:refresh', { tenantId, now: NOW, full: true })
    expect(runs.map(r => [r.name, r.status, r.touched])).toEqual([['momentum:refresh', 'done', 4], ['pipeline:refresh', 'done', 1]])
    const s = await scores()
    expect(Object.keys(s).sort()).toEqual(['hot', 'overdue', 'pushed', 'quiet'])
    for (const row of Object.values(s)) expect(row.score).toBe(Math.round(row.winProbability! * 100))
    // Hot moved to qualified this week and three people answered: its chance rose well over the week.
    expect(['accelerating', 'steady']).toContain(s.hot!.state)
    expect(s.hot!.winProbability! - (s.hot!.signals.winProbabilityWeekAgo as number)).toBeGreaterThan(0.1)
    expect(facts(s.hot!.reasons)).toContain('3 replies, inbound calls and meetings with the buyer in 14 days')
    // Quiet: six emails since the last reply 20 days ago — the rep's effort does not count for it.
    expect(['stalling', 'at_risk']).toContain(s.quiet!.state)
    expect(s.quiet!.winProbability).toBeLessThan(0.5)
    expect(facts(s.quiet!.reasons)).toEqual(
      expect.arrayContaining([
        '40 days in Proposal (typical 21)',
        'no reply, inbound call or meeting with the buyer in 14 days',
        'the buyer answered 1 of 6 emails in 30 days',
      ]),
    )
    expect(facts(s.pushed!.reasons)).toContain('close date pushed twice')
    // A passed close date is a reason, not a state.
    expect(facts(s.overdue!.reasons)).toContain('close date passed 3 days ago')
    expect(s.overdue!.reasons.find(r => r.code === 'close_date_passed')!.points).toBeLessThanOrEqual(0)
  })

  it('raises no alert on a tenant\'s first run, and on later runs only what changed, once', async () => {
    expect(await openAlerts()).toEqual([])
    const again = await inTenant(tx => refreshMomentum(tx, tenantId, { now: NOW, full: true }))
    expect(again).toMatchObject({ scored: 4, alertsCreated: 0, alertsClosed: 0 })
    // A deal closing tomorrow, scored today, then after its close date: one close_date_passed alert.
    const soon = await inTenant(tx => createDeal(tx, at(rep, ago(20)), { name: 'Soon', amount: 5_000, closeDate: isoDay(ago(-1)) }))
    await inTenant(tx => refreshMomentum(tx, tenantId, { now: new Date(NOW.getTime() + 3_600_000) }))
    expect((await openAlerts()).filter(a => a.dealId === soon.id)).toEqual([])
    const later = new Date(NOW.getTime() + 2 * DAY)
    await inTenant(tx => refreshMomentum(tx, tenantId, { now: later, full: true }))
    const raised = (await openAlerts()).filter(a => a.dealId === soon.id && a.kind === 'close_date_passed')
    expect(raised).toHaveLength(1)
    await inTenant(tx => dismissAlert(tx, tenantId, rep.userId, raised[0]!.id))
    await inTenant(tx => refreshMomentum(tx, tenantId, { now: new Date(later.getTime() + 3_600_000), full: true }))
    const after = (await openAlerts()).filter(a => a.dealId === soon.id && a.kind === 'close_date_passed')
    expect(after).toEqual([expect.objectContaining({ id: raised[0]!.id, status: 'dismissed' })])
    // Back to the tenant's four deals for what follows.
    await inTenant(tx => changeDealStage(tx, at(rep, later), soon.id, { to: 'lost', reason: 'test deal' }))
    await inTenant(tx => refreshMomentum(tx, tenantId, { now: NOW, full: true }))
  })

  it('rescores only the deals with new events within a day, and every deal on the next day', async () => {
    const before = await scores()
    const idle = await inTenant(tx => refreshMomentum(tx, tenantId, { now: new Date(NOW.getTime() + 2 * 3_600_000) }))
    expect(idle).toMatchObject({ scored: 0, reasons: { dirty: 0, unscored: 0, stale: 0 } })

    const replyAt = new Date(NOW.getTime() + 2 * 3_600_000)
    await inTenant(tx =>
      writeEvents(tx, tenantId, [
        { type: 'email_received', occurredAt: replyAt, source: 'direct', dealId: deal.quiet, contactId: contact[3] },
      ]),
    )
    const touched = await inTenant(tx => refreshMomentum(tx, tenantId, { now: new Date(NOW.getTime() + 3 * 3_600_000) }))
    expect(touched).toMatchObject({ scored: 1, reasons: { dirty: 1, unscored: 0, stale: 0 } })
    const after = await scores()
    expect(after.hot!.computedAt).toEqual(before.hot!.computedAt)
    expect(after.quiet!.winProbability).toBeGreaterThan(before.quiet!.winProbability!)
    expect(facts(after.quiet!.reasons)).toContain('only 1 reply, inbound call or meeting with the buyer in 14 days')

    const nextDay = await inTenant(tx => refreshMomentum(tx, tenantId, { now: new Date(NOW.getTime() + DAY) }))
    expect(nextDay).toMatchObject({ scored: 4, reasons: { dirty: 0, unscored: 0, stale: 4 }, refitted: true })
  })

  it('leaves nothing behind when a run is cut off, and the next run completes it once', async () => {
    const { tenant } = await createTenant(database.db, { name: 'Cut Off Co' })
    const owner = await withTenant(database.db, tenant.id, tx => createUser(tx, tenant.id, { email: 'o@cut.test', name: 'O', role: 'rep' }))
    await withTenant(database.db, tenant.id, tx =>
      createDeal(tx, { tenantId: tenant.id, userId: owner.id, now: ago(10) }, { name: 'Late', amount: 1, closeDate: isoDay(ago(2)) }),
    )
    const count = async (table: typeof alerts | typeof dealScores) =>
      (await withTenant(database.db, tenant.id, tx => tx.select({ n: sql<number>`count(*)::int` }).from(table)))[0]!.n
    await expect(withTenant(database.db, tenant.id, async (tx) => {
      await refreshMomentum(tx, tenant.id, { now: NOW })
      throw new Error('killed')
    })).rejects.toThrow('killed')
    expect([await count(dealScores), await count(alerts)]).toEqual([0, 0])
    await runTask(database.db, 'momentum:refresh', { tenantId: tenant.id, now: NOW })
    await runTask(database.db, 'momentum:refresh', { tenantId: tenant.id, now: NOW, full: true })
    // Scored once; its first run raises no alert (its close date had passed before it was ever scored).
    expect([await count(dealScores), await count(alerts)]).toEqual([1, 0])
  })

  it('leaves machine-flagged email events out of the signals', async () => {
    const later = new Date(NOW.getTime() + 4 * 3_600_000)
    const before = (await inTenant(tx => dealSignals(tx, tenantId, later, [deal.overdue!])))[0]!
    await inTenant(tx =>
      writeEvents(
        tx,
        tenantId,
        Array.from({ length: 5 }, () => ({
          type: 'email_opened' as const,
          occurredAt: new Date(NOW.getTime() + 3_600_000),
          source: 'sendgrid',
          dealId: deal.overdue,
          contactId: contact[1],
          metadata: { machine: true, machineReason: 'apple_privacy_proxy' },
        })),
      ),
    )
    const after = (await inTenant(tx => dealSignals(tx, tenantId, later, [deal.overdue!])))[0]!
    expect(after.buyer14).toBe(before.buyer14)
    expect(after.contacts7).toBe(before.contacts7)
    await inTenant(tx =>
      writeEvents(tx, tenantId, [
        {
          type: 'email_opened',
          occurredAt: new Date(NOW.getTime() + 3_600_000),
          source: 'sendgrid',
          dealId: deal.overdue,
          contactId: contact[1],
        },
      ]),
    )
    expect((await inTenant(tx => dealSignals(tx, tenantId, later, [deal.overdue!])))[0]!.buyer14).toBe(before.buyer14 + 1)
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
    const direct = await inTenant(tx =>
      queryRows<{ stage: string, count: number, value: number, weighted: number }>(
        tx,
        sql`
      select d.stage, count(*)::int as count, sum(d.amount)::float as value,
             sum(d.amount * coalesce(d.probability, s.probability) / 100.0)::float as weighted
      from deals d join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage group by d.stage`,
      ),
    )
    const tenantView = await inTenant(tx => pipelineSummary(tx, 'tenant'))
    for (const row of direct) expect(tenantView.stages.find(s => s.stage === row.stage)).toMatchObject(row)
    expect(tenantView.stages.find(s => s.stage === 'new')).toMatchObject({ count: 0, value: 0 })
    expect(tenantView.totals).toMatchObject({ openCount: 4, openValue: 90_000 })
    const qualified = tenantView.stages.find(s => s.stage === 'qualified')!
    expect(qualified.accelerating + qualified.steady + qualified.stalling + qualified.atRisk).toBe(qualified.count)

    const otherView = await inTenant(tx => pipelineSummary(tx, `owner:${other.userId}`))
    expect(otherView.totals).toMatchObject({ openCount: 1, openValue: 10_000, weighted: 7_500 })
  })

  it('snapshots each open deal once per day, however often it runs', async () => {
    await runTask(database.db, 'pipeline:snapshot', { tenantId, now: NOW })
    await runTask(database.db, 'pipeline:snapshot', { tenantId, now: new Date(NOW.getTime() + 3_600_000) })
    const rows = await inTenant(tx => tx.select().from(pipelineSnapshots).where(eq(pipelineSnapshots.tenantId, tenantId)))
    expect(rows).toHaveLength(4)
    expect(rows.find(r => r.dealId === deal.overdue)).toMatchObject({
      day: isoDay(NOW),
      stage: 'negotiation',
      forecastCategory: 'commit',
      probability: 75,
      closeDate: isoDay(ago(3)),
    })
  })

  it('calibrates on the closed deals: each counts with the win probability of its last score before it closed', async () => {
    const [last] = await inTenant(tx =>
      tx
        .select({ winProbability: dealScores.winProbability })
        .from(dealScores)
        .where(and(eq(dealScores.tenantId, tenantId), eq(dealScores.dealId, deal.pushed!))),
    )
    await inTenant(tx => changeDealStage(tx, at(rep, new Date(NOW.getTime() + 2 * DAY)), deal.pushed!, { to: 'lost', reason: 'no budget' }))
    const table = await inTenant(tx => calibration(tx, tenantId))
    // The 'Soon' test deal closed lost too, after being scored.
    expect(table.scored).toEqual({ won: 0, lost: 2 })
    expect(table.brier.model).not.toBeNull()
    expect(table.brier.model!).toBeGreaterThan(0)
    expect(last!.winProbability).toBeGreaterThan(0)
    expect(table.summary[0]).toBe('2 closed deals were scored before they closed: 0 won, 2 lost.')
    expect(table.weights.source).toBe('shipped')
  })
})

describe('honest signals', () => {
  it('keeps auto-replies out of engagement, counts cuts past 10 % only, '
    + 'notices a champion bouncing and reads stage entry from the history', async () => {
    const { tenant } = await createTenant(database.db, { name: 'Signals Co' })
    const T = tenant.id
    const inT = <R>(fn: Parameters<typeof withTenant<R>>[2]) => withTenant(database.db, T, fn)
    const owner = await inT(tx => createUser(tx, T, { email: 'o@signals.test', name: 'O', role: 'rep' }))
    const actor = (when: Date): Actor => ({ tenantId: T, userId: owner.id, now: when })
    const people = await inT(async tx => [
      await createContact(tx, actor(ago(60)), { firstName: 'Champ', email: 'champ@buyer.test' }),
      await createContact(tx, actor(ago(60)), { firstName: 'Other', email: 'other@buyer.test' }),
    ])
    const made = await inT(tx =>
      createDeal(tx, actor(ago(50)), {
        name: 'Signals',
        amount: 100_000,
        stage: 'proposal',
        contactIds: people.map(p => p.id),
        closeDate: isoDay(ago(-30)),
      }),
    )
    await inT(tx => updateDeal(tx, actor(ago(20)), made.id, { amount: 95_000 }))
    await inT(tx => updateDeal(tx, actor(ago(10)), made.id, { amount: 70_000 }))
    const inputs = parseEventBatch({
      events: [
        {
          type: 'email_sent',
          occurredAt: ago(12).toISOString(),
          source: 'gmail',
          actor: { userId: owner.id },
          subject: { dealId: made.id, contactId: people[0]!.id },
          metadata: { threadId: 'a' },
        },
        {
          type: 'email_received',
          occurredAt: new Date(ago(12).getTime() + 2 * 3_600_000).toISOString(),
          source: 'gmail',
          subject: { dealId: made.id, contactId: people[0]!.id },
          metadata: { threadId: 'a' },
        },
        {
          type: 'meeting_held',
          occurredAt: ago(9).toISOString(),
          source: 'calendar',
          subject: { dealId: made.id, contactId: people[0]!.id },
        },
        {
          type: 'email_sent',
          occurredAt: ago(3).toISOString(),
          source: 'gmail',
          actor: { userId: owner.id },
          subject: { dealId: made.id, contactId: people[1]!.id },
          metadata: { threadId: 'b' },
        },
        {
          type: 'email_received',
          occurredAt: ago(3).toISOString(),
          source: 'gmail',
          subject: { dealId: made.id, contactId: people[1]!.id },
          metadata: { threadId: 'b', subject: 'Abwesenheitsnotiz: Re: Angebot' },
        },
        {
          type: 'email_received',
          occurredAt: ago(2).toISOString(),
          source: 'gmail',
          subject: { dealId: made.id, contactId: people[1]!.id },
          metadata: { threadId: 'b', subject: 'Re: Angebot', headers: { 'Auto-Submitted': 'auto-replied' } },
        },
        {
          type: 'email_bounced',
          occurredAt: ago(1).toISOString(),
          source: 'gmail',
          subject: { dealId: made.id, contactId: people[0]!.id },
        },
        {
          type: 'email_opened',
          occurredAt: ago(1).toISOString(),
          source: 'tracker',
          subject: { dealId: made.id, contactId: people[1]!.id },
          metadata: { userAgent: 'Mozilla/5.0', ip: '17.58.1.9' },
        },
        {
          type: 'stage_changed',
          occurredAt: ago(40).toISOString(),
          source: 'direct',
          subject: { dealId: made.id },
          metadata: { from: 'qualified', to: 'proposal', secondsInStage: 10 * 86400 },
        },
      ],
    })
    await inT(tx => ingestEvents(tx, T, inputs, 'system'))
    const [s] = await inT(tx => dealSignals(tx, T, NOW, [made.id]))
    expect(s).toMatchObject({
      // The reply and the meeting; the two auto-replies are counted apart, the machine open not at all.
      conversations14: 2,
      buyer14: 2,
      autoReplies30: 2,
      contacts30: 1,
      amountCuts: 1,
      smallDiscounts: 1,
      championsLost30: 1,
      // Entered proposal 40 days ago by the stage history, though the deal row says 50.
      daysInStage: 40,
    })
    const flagged = await inT(tx =>
      queryRows<{ reason: string }>(
        tx,
        sql`select metadata ->> 'autoReplyReason' as reason from events
          where tenant_id = ${T}::uuid and (metadata ->> 'autoReply') = 'true' order by occurred_at`,
      ),
    )
    expect(flagged.map(f => f.reason)).toEqual(['out-of-office subject', 'auto-submitted'])
    await inT(tx => refreshMomentum(tx, T, { now: NOW }))
    const [scored] = await inT(tx => tx.select().from(dealScores).where(eq(dealScores.tenantId, T)))
    expect(scored!.reasons.map(r => r.code)).toEqual(expect.arrayContaining(['amount_cut', 'champion_lost']))
  })
})
