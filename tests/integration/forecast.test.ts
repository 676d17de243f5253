import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog } from '../../db/schema'
import { queryRows } from '../../db/client'
import { seedDemo } from '../../server/domain/demo/seed'
import { withAccess, withTenant } from '../../server/domain/core/db'
import { changeDealStage, createDeal, updateDeal, type Actor } from '../../server/domain/deals/records'
import { ANALYTICS } from '../../server/domain/forecast/analytics'
import { adjustForecast, forecast, setQuotas, type Caller } from '../../server/domain/forecast/forecast'
import { forecastHistory } from '../../server/domain/forecast/history'
import { parsePeriod } from '../../shared/utils/periods'
import { runTask } from '../../server/domain/jobs/registry'
import { createTeam, createTenant, createUser, setTeamManager } from '../../server/domain/tenancy/tenants'
import { createTestDatabase, type TestDatabase } from '../support/database'

const Q4 = parsePeriod('2026-Q4')!
const at = (day: string) => new Date(`${day}T12:00:00Z`)

let database: TestDatabase
let tenantId: string
let alice: Actor & { userId: string }
let bob: Actor & { userId: string }
let maya: Actor & { userId: string }
let teamId: string
const deal: Record<string, string> = {}

const inTenant = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, tenantId, fn)
const as = (caller: Caller) => <T>(fn: Parameters<typeof withTenant<T>>[2]) => withAccess(database.db, caller.access, fn)
const admin: Caller = { role: 'admin', userId: '', teamId: null, access: { tenantId: '', scope: 'tenant' } }
const manager = (): Caller => ({
  role: 'manager',
  userId: maya.userId,
  teamId,
  access: { tenantId, scope: 'owners', ownerIds: [alice.userId, bob.userId, maya.userId], teamIds: [teamId] },
})
const rep = (who: Actor & { userId: string }): Caller => ({
  role: 'rep',
  userId: who.userId,
  teamId,
  access: { tenantId, scope: 'owners', ownerIds: [who.userId] },
})

beforeAll(async () => {
  database = await createTestDatabase()
  tenantId = (await createTenant(database.db, { name: 'Forecast Co', plan: 'enterprise' })).tenant.id
  admin.access = { tenantId, scope: 'tenant' }
  await inTenant(async (tx) => {
    teamId = (await createTeam(tx, tenantId, { name: 'East' })).id
    const make = async (name: string, role: 'rep' | 'manager') => ({
      tenantId,
      userId: (await createUser(tx, tenantId, { email: `${name.toLowerCase()}@forecast.test`, name, role, teamId })).id,
    })
    alice = await make('Alice', 'rep')
    bob = await make('Bob', 'rep')
    maya = await make('Maya', 'manager')
    await setTeamManager(tx, tenantId, teamId, maya.userId)
    admin.userId = (await createUser(tx, tenantId, { email: 'admin@forecast.test', name: 'Ada', role: 'admin' })).id
    const open = async (key: string, who: Actor, day: string, stage: string, amount: number, closeDate: string) => {
      deal[key] = (await createDeal(tx, { ...who, now: at(day) }, { name: key, amount, stage, closeDate })).id
    }
    await open('A1', alice, '2026-10-01', 'negotiation', 10_000, '2026-10-31')
    await changeDealStage(tx, { ...alice, now: at('2026-10-15') }, deal.A1!, { to: 'won', closeDate: '2026-10-15' })
    await open('A2', alice, '2026-10-05', 'negotiation', 20_000, '2026-12-10')
    await open('A3', alice, '2026-10-10', 'proposal', 8_000, '2026-11-30')
    await open('A4', alice, '2026-10-12', 'qualified', 4_000, '2026-12-20')
    await open('A5', alice, '2026-10-14', 'negotiation', 5_000, '2026-12-01')
    await updateDeal(tx, { ...alice, now: at('2026-10-20') }, deal.A5!, { forecastCategory: 'omitted' })
    await open('A6', alice, '2026-10-16', 'negotiation', 6_000, '2026-12-15')
    await updateDeal(tx, { ...alice, now: at('2026-11-10') }, deal.A6!, { closeDate: '2027-02-01' })
    await open('B1', bob, '2026-10-18', 'proposal', 10_000, '2026-12-05')
    await updateDeal(tx, { ...bob, now: at('2026-10-19') }, deal.B1!, { probability: 80 })
    await open('B2', bob, '2026-10-20', 'contacted', 3_000, '2027-03-01')
    await updateDeal(tx, { ...bob, now: at('2026-11-12') }, deal.B2!, { closeDate: '2026-11-25' })
    await open('B3', bob, '2026-09-01', 'negotiation', 5_000, '2026-09-30')
    await changeDealStage(tx, { ...bob, now: at('2026-09-20') }, deal.B3!, { to: 'won', closeDate: '2026-09-20' })
    await open('B4', bob, '2026-10-20', 'proposal', 7_000, '2026-12-30')
    await changeDealStage(tx, { ...bob, now: at('2026-11-01') }, deal.B4!, { to: 'lost' })
    // A2 is at risk, its win probability 22.5 % (against negotiation's 75 %); A3 at its stage's 50 %; the rest not scored.
    await tx.execute(sql`insert into deal_scores
      (tenant_id, deal_id, score, win_probability, state, state_since, reasons, signals, computed_at)
      values (${tenantId}, ${deal.A2}, 23, 0.225, 'at_risk', now(), '[]', '{}', now()),
             (${tenantId}, ${deal.A3}, 50, 0.5, 'steady', now(), '[]', '{}', now())`)
    await setQuotas(tx, tenantId, admin, '2026-Q4', [{ ownerId: alice.userId, amount: 50_000 }])
  })
})
afterAll(() => database.close())

describe('the forecast of a quarter, against hand-computed numbers', () => {
  it('computes each rep\'s closed-won, categories, weighted, momentum-adjusted projection, quota, attainment and coverage', async () => {
    const result = await inTenant(tx => forecast(tx, tenantId, admin, Q4))
    const a = result.owners.find(o => o.name === 'Alice')!
    // Won A1 10,000; commit A2 20,000; best case A3 8,000; pipeline A4 4,000; A5 omitted; A6 outside the quarter.
    expect(a).toMatchObject({ closedWon: 10_000, commit: 20_000, bestCase: 8_000, pipeline: 4_000, open: 32_000, forecast: 30_000 })
    // Weighted: 20,000 x 75% + 8,000 x 50% + 4,000 x 25% = 20,000.
    expect(a.weighted).toBe(20_000)
    // Projection: 10,000 won + A2 at its win probability 20,000 x 22.5% + A3 8,000 x 50% + A4 (unscored) 4,000 x 25% = 19,500.
    expect(a.projection).toBe(19_500)
    // Quota 50,000: attainment 10,000 / 50,000; coverage 32,000 open / 40,000 to go.
    expect(a).toMatchObject({ quota: 50_000, attainment: 0.2, coverage: 0.8 })
    const b = result.owners.find(o => o.name === 'Bob')!
    // B1 best case (probability overridden to 80%), B2 pulled into the quarter (contacted, 10%); B3 won in Q3; B4 lost.
    expect(b).toMatchObject({
      closedWon: 0,
      commit: 0,
      bestCase: 10_000,
      pipeline: 3_000,
      open: 13_000,
      weighted: 8_300,
      projection: 8_300,
      quota: null,
      attainment: null,
    })
    expect(result.owners.find(o => o.name === 'Maya')).toMatchObject({ closedWon: 0, open: 0 })
    expect(result.teams).toEqual([
      expect.objectContaining({
        name: 'East',
        closedWon: 10_000,
        commit: 20_000,
        bestCase: 18_000,
        pipeline: 7_000,
        open: 45_000,
        weighted: 28_300,
        projection: 27_800,
        forecast: 30_000,
        quota: 50_000,
        attainment: 0.2,
        coverage: 1.125,
      }),
    ])
    expect(result.total).toMatchObject({ closedWon: 10_000, open: 45_000, forecast: 30_000 })
  })

  it('keeps a manager\'s adjustment beside the computed number, audits it, and shows a rep only their own forecast', async () => {
    const adjusted = await as(manager())(tx =>
      adjustForecast(tx, { ...maya }, manager(), { period: Q4, ownerId: alice.userId, amount: 28_000, note: 'A2 slipping to January' }),
    )
    expect(adjusted).toMatchObject({ scope: 'owner', targetId: alice.userId, amount: 28_000, original: 30_000 })
    const seen = await as(manager())(tx => forecast(tx, tenantId, manager(), Q4))
    expect(seen.owners.find(o => o.name === 'Alice')).toMatchObject({
      forecast: 30_000,
      adjusted: { amount: 28_000, original: 30_000, note: 'A2 slipping to January', by: 'Maya' },
    })
    const [entry] = await inTenant(tx =>
      tx
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, 'forecast.adjusted'))),
    )
    expect(entry).toMatchObject({
      actorUserId: maya.userId,
      targetType: 'owner',
      targetId: alice.userId,
      metadata: { period: '2026-Q4', original: 30_000, amount: 28_000 },
    })

    const own = await as(rep(bob))(tx => forecast(tx, tenantId, rep(bob), Q4))
    expect(own.owners.map(o => o.name)).toEqual(['Bob'])
    expect(own.teams).toEqual([])
    expect(own.total).toMatchObject({ open: 13_000, adjusted: null })
    await expect(
      as(manager())(tx => adjustForecast(tx, { ...maya }, manager(), { period: Q4, amount: 1, note: 'tenant' })),
    ).rejects.toMatchObject({ statusCode: 400 })
  })

  it('tracks the forecast week by week from the snapshots, and lists the slipped and pulled-in deals', async () => {
    await runTask(database.db, 'pipeline:snapshot', { tenantId, now: at('2026-11-16') })
    const history = await inTenant(tx => forecastHistory(tx, tenantId, Q4, '2026-11-20'))
    expect(history.weeks.map(w => w.week)).toEqual([
      '2026-09-28',
      '2026-10-05',
      '2026-10-12',
      '2026-10-19',
      '2026-10-26',
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
      '2026-11-20',
    ])
    expect(history.weeks.at(-3)).toMatchObject({ snapshotDay: null, forecast: null, closedWon: 10_000 })
    // The 16 November snapshot: commit A2 20,000 (A5 omitted); best case adds A3 and B1; won by then A1.
    expect(history.weeks.at(-2)).toMatchObject({
      snapshotDay: '2026-11-16',
      commit: 20_000,
      bestCase: 38_000,
      closedWon: 10_000,
      forecast: 30_000,
      bestCaseForecast: 48_000,
    })
    expect(history.weeks.at(-1)).toMatchObject({ week: '2026-11-20', snapshotDay: '2026-11-16', forecast: 30_000 })
    expect(history.actual).toBe(10_000)
    expect(history.slipped).toMatchObject({ amount: 6_000, deals: [{ name: 'A6', from: '2026-12-15', to: '2027-02-01' }] })
    expect(history.pulledIn).toMatchObject({ amount: 3_000, deals: [{ name: 'B2', from: '2027-03-01', to: '2026-11-25' }] })
  })
})

describe('analytics from the stage history', () => {
  const range = { from: '2026-09-01', to: '2026-11-20' }
  const run = (kind: keyof typeof ANALYTICS, groupBy: 'none' | 'owner') =>
    inTenant((tx): Promise<Record<string, unknown>[]> => ANALYTICS[kind](tx, tenantId, range, groupBy))

  it('computes conversion, time in stage, win rate and cycle length as counted by hand', async () => {
    // Negotiation was entered by A1, A2, A5, A6 and B3; A1 and B3 went on (won). Proposal: A3, B1, B4; none went on.
    expect(
      (await run('conversion', 'none'))
        .filter(r => ['negotiation', 'proposal'].includes(r.stage as string))
        .map(r => [r.stage, r.entered, r.advanced, r.rate]),
    ).toEqual([
      ['proposal', 3, 0, 0],
      ['negotiation', 5, 2, 0.4],
    ])
    // Out of negotiation: A1 after 14 days, B3 after 19; out of proposal: B4 after 12.
    expect((await run('time-in-stage', 'none')).map(r => [r.stage, r.moves, r.avgDays, r.medianDays])).toEqual([
      ['proposal', 1, 12, 12],
      ['negotiation', 2, 16.5, 16.5],
    ])
    expect(await run('win-rate', 'none')).toEqual([
      { group: 'all', label: 'All deals', won: 2, lost: 1, winRate: 0.667, wonAmount: 15_000 },
    ])
    expect((await run('win-rate', 'owner')).map(r => [r.label, r.won, r.lost, r.winRate])).toEqual([['Alice', 1, 0, 1], ['Bob', 1, 1, 0.5]])
    expect(await run('cycle-length', 'none')).toEqual([{ group: 'all', label: 'All deals', won: 2, avgDays: 16.5, medianDays: 16.5 }])
  })
})

describe('on the demo data', () => {
  it('matches a direct SQL query over the deals', { timeout: 120_000 }, async () => {
    const demo = await seedDemo(database.db)
    const now = new Date()
    const quarter = parsePeriod(`${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`)!
    const result = await withTenant(database.db, demo.tenantId, tx =>
      forecast(
        tx,
        demo.tenantId,
        { role: 'admin', userId: '', teamId: null, access: { tenantId: demo.tenantId, scope: 'tenant' } },
        quarter,
      ),
    )
    const [direct] = await withTenant(database.db, demo.tenantId, tx =>
      queryRows<{ won: number, open: number, commit: number, weighted: number }>(
        tx,
        sql`
      select coalesce(sum(d.amount) filter (where s.kind = 'won' and d.closed_at >= ${quarter.start}::date
               and d.closed_at < ${quarter.end}::date), 0)::float as won,
             coalesce(sum(d.amount) filter (where s.kind = 'open' and d.close_date >= ${quarter.start}::date
               and d.close_date < ${quarter.end}::date
               and coalesce(d.forecast_category, s.forecast_category) <> 'omitted'), 0)::float as open,
             coalesce(sum(d.amount) filter (where s.kind = 'open' and d.close_date >= ${quarter.start}::date
               and d.close_date < ${quarter.end}::date
               and coalesce(d.forecast_category, s.forecast_category) = 'commit'), 0)::float as commit,
             round(coalesce(sum(d.amount * coalesce(d.probability, s.probability) / 100.0)
               filter (where s.kind = 'open' and d.close_date >= ${quarter.start}::date and d.close_date < ${quarter.end}::date
               and coalesce(d.forecast_category, s.forecast_category) <> 'omitted'), 0), 2)::float as weighted
      from deals d join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage`,
      ),
    )
    expect(result.total).toMatchObject({ closedWon: direct!.won, open: direct!.open, commit: direct!.commit, weighted: direct!.weighted })
    expect(result.total.open).toBeGreaterThan(0)
  })
})
