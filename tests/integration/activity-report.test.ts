import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../db/client'
import { withAccess, withTenant, type Access } from '../../server/domain/core/db'
import { createDeal } from '../../server/domain/deals/records'
import { writeEvents, type EventRow } from '../../server/domain/events/write'
import { activityReport, eventActivity, readTargets, refreshActivityRollup, setTargets } from '../../server/domain/reports/activity'
import { createTeam, createTenant, createUser, setTeamManager } from '../../server/domain/tenancy/tenants'
import { addDays, isoDay, isoWeek, weekStart, zeroCounts, type Counts } from '../../shared/utils/activityReport'
import { createTestDatabase, type TestDatabase } from '../support/database'

/**
 * A small tenant whose activity is counted by hand: East (Alice, Bob, led by Maya) and West
 * (Carl). Events go through the one writer; the report (rollup for past days, events for today)
 * must equal the hand count per rep, team, day and week.
 */
let database: TestDatabase
let tenantId: string
const id: Record<string, string> = {}
const now = new Date()
const today = isoDay(now)
const day = (n: number) => addDays(today, -n)
/** An instant on day `n` days ago (today: a minute ago, so never in the future). */
const on = (n: number) => n === 0 ? new Date(now.getTime() - 60_000) : new Date(`${day(n)}T10:00:00Z`)
const from = day(25)
const inTenant = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, tenantId, fn)
let admin: Access

/** The hand count: per rep, per day-offset, what each event adds. */
const HAND: { who: 'alice' | 'bob' | 'carl', n: number, adds: Partial<Counts> }[] = []
const expectCount = (who: typeof HAND[number]['who'], n: number, adds: Partial<Counts>) => HAND.push({ who, n, adds })

function handTotals(filter: (h: typeof HAND[number]) => boolean): Counts {
  const sum = zeroCounts()
  for (const h of HAND.filter(filter)) for (const [k, v] of Object.entries(h.adds)) sum[k as keyof Counts] += v
  return sum
}

beforeAll(async () => {
  database = await createTestDatabase()
  tenantId = (await createTenant(database.db, { name: 'Activity Co', plan: 'enterprise' })).tenant.id
  admin = { tenantId, scope: 'tenant' }
  await inTenant(async (tx) => {
    id.east = (await createTeam(tx, tenantId, { name: 'East' })).id
    id.west = (await createTeam(tx, tenantId, { name: 'West' })).id
    const make = async (name: string, role: 'rep' | 'manager' | 'admin', teamId: string | null) =>
      (await createUser(tx, tenantId, { email: `${name.toLowerCase()}@activity.test`, name, role, teamId })).id
    id.alice = await make('Alice', 'rep', id.east)
    id.bob = await make('Bob', 'rep', id.east)
    id.maya = await make('Maya', 'manager', id.east)
    id.carl = await make('Carl', 'rep', id.west)
    id.ada = await make('Ada', 'admin', null)
    await setTeamManager(tx, tenantId, id.east, id.maya)
    const deal = async (key: string, owner: string) =>
      (id[key] = (await createDeal(tx, { tenantId, userId: owner, now: on(20) },
        { name: key, amount: 1000, stage: 'qualified', closeDate: day(-30) })).id)
    await deal('dealA', id.alice)
    await deal('dealA2', id.alice)
    await deal('dealB', id.bob)
    expectCount('alice', 20, { dealsCreated: 2 })
    expectCount('bob', 20, { dealsCreated: 1 })
    const contactId = (await queryRows<{ id: string }>(tx, sql`insert into contacts (tenant_id, first_name, last_name, email, owner_id)
      values (${tenantId}, 'Cora', 'Buyer', 'cora@buyer.test', ${id.alice}) returning id`))[0]!.id
    const ev = (type: EventRow['type'], n: number, actor: string | null, extra: Partial<EventRow> = {}): EventRow =>
      ({ type, occurredAt: on(n), source: 'app', actorUserId: actor, dealId: id.dealA, ...extra })
    await writeEvents(tx, tenantId, [
      ev('call', 3, id.alice!, { metadata: { outcome: 'connected' } }),
      ev('call', 3, id.alice!, { metadata: { outcome: 'voicemail' } }),
      ev('email_sent', 3, id.alice!),
      ev('email_sent', 3, id.alice!, { metadata: { machine: true } }), // machine-flagged: left out
      ev('note', 3, id.alice!),
      // A buyer's reply: no acting user, so the deal's owner (Alice) is credited; an auto-reply is left out.
      ev('email_received', 3, null, { source: 'email_inbound', externalId: 'm1' }),
      ev('email_received', 3, null, { source: 'email_inbound', externalId: 'm2', metadata: { autoReply: true } }),
      // One call about a contact, copied by the normalizer onto each of their open deals: counts once.
      ev('call', 3, id.alice!, { contactId, dealId: id.dealA, externalId: 'c1', source: 'dialer' }),
      ev('call', 3, id.alice!, { contactId, dealId: id.dealA2, externalId: 'c1', source: 'dialer' }),
      ev('meeting_held', 10, id.alice!),
      ev('task_completed', 10, id.alice!),
      ev('email_opened', 3, id.alice!), // not a measure
      ev('call', 0, id.alice!, { metadata: { outcome: 'connected' } }),
      ev('stage_changed', 0, id.alice!),
      ev('call', 3, id.bob!, { dealId: id.dealB, metadata: { outcome: 'no_answer' } }),
      ev('meeting_held', 3, id.bob!, { dealId: id.dealB }),
      ev('email_sent', 0, id.bob!, { dealId: id.dealB }),
      ev('note', 3, id.carl!, { dealId: null, contactId }),
      ev('note', 3, id.carl!, { dealId: null, contactId, occurredAt: new Date(`${day(3)}T11:00:00Z`) }),
      ev('call', 40, id.carl!, { dealId: null, contactId }), // before the range
    ])
    expectCount('alice', 3, { calls: 3, callsConnected: 1, emailsSent: 1, notes: 1, emailsReceived: 1 })
    expectCount('alice', 10, { meetingsHeld: 1, tasksCompleted: 1 })
    expectCount('alice', 0, { calls: 1, callsConnected: 1, stageMoves: 1 })
    expectCount('bob', 3, { calls: 1, meetingsHeld: 1 })
    expectCount('bob', 0, { emailsSent: 1 })
    expectCount('carl', 3, { notes: 2 })
  })
  await inTenant(tx => refreshActivityRollup(tx, tenantId, now))
})
afterAll(() => database.close())

const report = (access: Access, groupBy: 'owner' | 'team' | 'day' | 'week', extra: { ownerId?: string, teamId?: string } = {}) =>
  activityReport(database.db, access, { from, to: today, groupBy, ...extra }, now)
const pick = (row: Partial<Counts> | undefined) =>
  Object.fromEntries(Object.keys(zeroCounts()).map(k => [k, row?.[k as keyof Counts]])) as Counts

describe('the activity report against a hand count', () => {
  it('counts per rep: the rollup for past days plus today\'s events', async () => {
    const result = await report(admin, 'owner')
    const byName = new Map(result.rows.map(r => [r.label, r]))
    expect(pick(byName.get('Alice'))).toEqual(handTotals(h => h.who === 'alice'))
    expect(pick(byName.get('Bob'))).toEqual(handTotals(h => h.who === 'bob'))
    expect(pick(byName.get('Carl'))).toEqual(handTotals(h => h.who === 'carl'))
    expect(pick(byName.get('Maya'))).toEqual(zeroCounts()) // a quiet rep shows zeros
    expect(byName.has('Ada')).toBe(false) // an admin with no activity is no row
    expect(pick(result.totals)).toEqual(handTotals(() => true))
    expect(byName.get('Alice')!.key).toBe(id.alice)
  })

  it('counts per team, day and ISO week', async () => {
    const teams = new Map((await report(admin, 'team')).rows.map(r => [r.label, r]))
    expect(pick(teams.get('East'))).toEqual(handTotals(h => h.who !== 'carl'))
    expect(pick(teams.get('West'))).toEqual(handTotals(h => h.who === 'carl'))
    const days = await report(admin, 'day')
    expect(days.rows).toHaveLength(26)
    for (const n of [0, 3, 10, 20, 5]) expect(pick(days.rows.find(r => r.key === day(n)))).toEqual(handTotals(h => h.n === n))
    const weeks = await report(admin, 'week')
    const mondays = [...new Set(HAND.map(h => weekStart(day(h.n))))]
    for (const monday of mondays) {
      const row = weeks.rows.find(r => r.key === monday)!
      expect(row.label).toBe(isoWeek(monday))
      expect(pick(row)).toEqual(handTotals(h => weekStart(day(h.n)) === monday))
    }
  })

  it('keeps today out of the rollup, and equals the same counted from the raw events', async () => {
    const stored = await inTenant(tx =>
      queryRows<{ n: number }>(tx, sql`select count(*)::int as n from activity_rollup where day >= ${today}::date`))
    expect(stored[0]!.n).toBe(0)
    const raw = await inTenant(tx => queryRows<{ measure: string, count: number }>(tx,
      eventActivity(tenantId, `${from}T00:00:00Z`, `${addDays(today, 1)}T00:00:00Z`, null)))
    const total = (m: string) => raw.filter(r => r.measure === m).reduce((n, r) => n + r.count, 0)
    const totals = (await report(admin, 'owner')).totals
    expect(totals.calls).toBe(total('calls'))
    expect(totals.notes).toBe(total('notes'))
    expect(totals.dealsCreated).toBe(total('deals_created'))
  })

  it('a rep sees only their own figures; a manager the team they lead', async () => {
    const alice: Access = { tenantId, scope: 'owners', ownerIds: [id.alice!] }
    const mine = await report(alice, 'owner')
    expect(mine.rows.map(r => r.key)).toEqual([id.alice])
    expect(pick(mine.totals)).toEqual(handTotals(h => h.who === 'alice'))
    expect(pick((await report(alice, 'day')).totals)).toEqual(handTotals(h => h.who === 'alice'))
    await expect(report(alice, 'owner', { ownerId: id.bob })).rejects.toMatchObject({ statusCode: 404 })
    await expect(report(alice, 'team', { teamId: id.east })).rejects.toMatchObject({ statusCode: 404 })
    const maya: Access = { tenantId, scope: 'owners', ownerIds: [id.maya!, id.alice!, id.bob!], teamIds: [id.east!] }
    const team = await report(maya, 'owner', { teamId: id.east })
    expect(team.rows.map(r => r.label).sort()).toEqual(['Alice', 'Bob', 'Maya'])
    expect(pick(team.totals)).toEqual(handTotals(h => h.who !== 'carl'))
    await expect(report(maya, 'owner', { teamId: id.west })).rejects.toMatchObject({ statusCode: 404 })
    // Row-level security on the rollup itself: a rep's transaction sees only their rows.
    const rows = await withAccess(database.db, alice, tx => queryRows<{ userId: string }>(tx,
      sql`select distinct user_id as "userId" from activity_rollup`))
    expect(rows.map(r => r.userId)).toEqual([id.alice])
  })

  it('targets: a team default, a rep\'s own over it, prorated to the range, with attainment', async () => {
    const maya: Access = { tenantId, scope: 'owners', ownerIds: [id.maya!, id.alice!, id.bob!], teamIds: [id.east!] }
    await withAccess(database.db, maya, async (tx) => {
      await setTargets(tx, maya, { userId: id.maya!, role: 'manager' }, { teamId: id.east, targets: { calls: 7, notes: 14 } })
      await setTargets(tx, maya, { userId: id.maya!, role: 'manager' }, { ownerId: id.alice, targets: { calls: 14 } })
    })
    await expect(withAccess(database.db, maya, tx =>
      setTargets(tx, maya, { userId: id.maya!, role: 'manager' }, { ownerId: id.carl, targets: { calls: 1 } })))
      .rejects.toMatchObject({ statusCode: 404 })
    await expect(withAccess(database.db, maya, tx =>
      setTargets(tx, maya, { userId: id.maya!, role: 'manager' }, { ownerId: id.maya, targets: { calls: 1 } })))
      .rejects.toMatchObject({ statusCode: 403 })
    const rows = new Map((await report(admin, 'owner')).rows.map(r => [r.label, r]))
    const days = 26
    expect(rows.get('Alice')!.targets).toEqual({ calls: Math.round(14 * days / 7 * 10) / 10, notes: Math.round(14 * days / 7 * 10) / 10 })
    expect(rows.get('Bob')!.targets!.calls).toBe(Math.round(7 * days / 7 * 10) / 10)
    expect(rows.get('Bob')!.attainment!.calls).toBe(Math.round((1 / rows.get('Bob')!.targets!.calls!) * 1000) / 1000)
    expect(rows.get('Carl')!.targets).toEqual({})
    const read = await withAccess(database.db, { tenantId, scope: 'owners', ownerIds: [id.alice!] }, tx =>
      readTargets(tx, { tenantId, scope: 'owners', ownerIds: [id.alice!] }))
    expect(read.owners).toHaveLength(1)
    expect(read.owners[0]!.effective).toEqual({ calls: 14, notes: 14 })
  })

  it('a back-dated event marks its day; the next refresh recomputes only the recent days and that day', async () => {
    await inTenant(tx => writeEvents(tx, tenantId, [
      { type: 'call', occurredAt: on(12), source: 'app', actorUserId: id.bob, dealId: id.dealB },
    ]))
    const dirty = await inTenant(tx => queryRows<{ day: string }>(tx, sql`select day::text as day from activity_dirty_days`))
    expect(dirty.map(d => d.day)).toEqual([day(12)])
    // Not yet refreshed: the rollup does not know it.
    const before = new Map((await report(admin, 'owner')).rows.map(r => [r.label, r]))
    expect(before.get('Bob')!.calls).toBe(1)
    const refreshed = await inTenant(tx => refreshActivityRollup(tx, tenantId, now))
    expect(refreshed.ranges).toEqual([{ from: day(2), to: today }, { from: day(12), to: day(11) }])
    const after = new Map((await report(admin, 'owner')).rows.map(r => [r.label, r]))
    expect(after.get('Bob')!.calls).toBe(2)
    expect(await inTenant(tx => queryRows(tx, sql`select 1 from activity_dirty_days`))).toEqual([])
  })
})
