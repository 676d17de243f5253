import { and, eq, inArray, sql } from 'drizzle-orm'
import { activityTargets, teams, users } from '../../../db/schema'
import { queryRows, type AppDatabase } from '../../../db/client'
import { andWhere, ownerIn, ownersOf, withAccess, withTenant, type Access, type Tx } from '../core/db'
import { DomainError, notFound } from '../core/errors'
import { seesOwner, seesTeam } from '../tenancy/access'
import {
  attainment, bucketOf, daysBetween, fieldOf, isoDay, isoWeek, MEASURE_FIELDS, MEASURES, targetFor, zeroCounts,
  type Counts, type GroupBy, type MeasureField, type MeasureName, type ReportRow,
} from '../../../shared/utils/activityReport'

/**
 * Activity per rep, team and period (issue #27): calls (and connected calls), emails sent and
 * received, meetings held, notes, tasks completed, deals created and stage moves.
 *
 * Past days come from the daily rollup `activity_rollup` (per tenant, rep, UTC day and measure;
 * 400 days; refreshed incrementally by `refreshActivityRollup`), today (UTC) from the events
 * themselves, so today's work shows at once and a team's quarter never scans raw events.
 *
 * Who counts (the one rule, in `EVENT_ACTIVITY` below): the event's acting user
 * (`actor_user_id`: who logged the call, sent the email, moved the stage, created the deal);
 * when an event has none (a buyer's reply threaded from inbound mail, a synced change with no
 * mapped user), the owner of the deal it is on. Machine-flagged events (`metadata.machine`,
 * machine opens) and auto-replies (`metadata.autoReply`) are left out. An event the normalizer
 * copied onto each of a contact's open deals counts once (its copies share type, time, source,
 * external id and contact). Teams are the reps' teams as they are now.
 */

/** How long the rollup keeps, in days (a quarter and a year over year, and the report's 400-day range). */
export const ROLLUP_DAYS = 400
/** The days before today every refresh recomputes whatever the dirty days say (late writes, a run that straddles midnight). */
export const RECENT_DAYS = 2

const MEASURE_OF_TYPE = sql`case e.type
  when 'call' then 'calls' when 'email_sent' then 'emails_sent' when 'email_received' then 'emails_received'
  when 'meeting_held' then 'meetings_held' when 'note' then 'notes' when 'task_completed' then 'tasks_completed'
  when 'deal_created' then 'deals_created' when 'stage_changed' then 'stage_moves' end`

/**
 * The counts per rep, UTC day and measure of the events in [from, to) (instants), of the tenant,
 * for `owners` (null: everyone). The one definition of what counts, used by the refresh, the
 * today path and the benchmark's raw-events baseline.
 */
export function eventActivity(tenantId: string, from: string, to: string, owners: readonly string[] | null) {
  return sql`
    with ev as (
      select coalesce(e.actor_user_id,
               (select d.owner_id from deals d where d.tenant_id = e.tenant_id and d.id = e.deal_id)) as user_id,
             (e.occurred_at at time zone 'UTC')::date as day,
             ${MEASURE_OF_TYPE} as measure, e.type = 'call' and e.metadata ->> 'outcome' = 'connected' as connected,
             case when e.contact_id is null then e.id::text
                  else concat_ws('|', e.type, e.occurred_at, e.source, e.external_id, e.contact_id) end as activity
      from events e
      where e.tenant_id = ${tenantId}::uuid
        and e.occurred_at >= ${from}::timestamptz and e.occurred_at < ${to}::timestamptz
        and e.type in ('call', 'email_sent', 'email_received', 'meeting_held', 'note', 'task_completed', 'deal_created', 'stage_changed')
        and coalesce(e.metadata ->> 'machine', 'false') <> 'true' and coalesce(e.metadata ->> 'autoReply', 'false') <> 'true'
    )
    select ev.user_id as "userId", ev.day::text as day, m.measure, count(distinct ev.activity)::int as count
    from ev cross join lateral (values (ev.measure), (case when ev.connected then 'calls_connected' end)) m(measure)
    where ev.user_id is not null and m.measure is not null ${andWhere(ownerIn(sql`ev.user_id`, owners))}
    group by 1, 2, 3`
}

const utcMidnight = (day: string) => `${day}T00:00:00Z`

/**
 * Brings a tenant's rollup up to date, in a transaction of that tenant (whole-tenant access):
 * the first run builds the last ROLLUP_DAYS days up to yesterday; later runs recompute only the
 * days since the last run (at least the last RECENT_DAYS) and the days back-dated events marked
 * in `activity_dirty_days`, and drop days older than ROLLUP_DAYS. Today is never stored.
 */
export async function refreshActivityRollup(tx: Tx, tenantId: string, now = new Date()) {
  const today = isoDay(now)
  const oldest = isoDay(new Date(now.getTime() - ROLLUP_DAYS * 86_400_000))
  const [state] = await queryRows<{ refreshedAt: string, fromDay: string }>(tx, sql`
    select (refreshed_at at time zone 'UTC')::date::text as "refreshedAt", from_day::text as "fromDay"
    from activity_rollup_state where tenant_id = ${tenantId}::uuid for update`)
  // The dirty days are taken (deleted) first: a day dirtied by a write still uncommitted stays for the next run.
  const dirty = (await queryRows<{ day: string }>(tx, sql`
    delete from activity_dirty_days where tenant_id = ${tenantId}::uuid returning day::text as day`)).map(d => d.day)
  // The recent window: since the day before the last run (at least the last RECENT_DAYS), or everything on the first run.
  const recent = bucketStart(today, RECENT_DAYS)
  const sinceLast = state && state.fromDay <= oldest ? bucketStart(state.refreshedAt, 1) : oldest
  const windowFrom = [oldest, [sinceLast, recent].sort()[0]!].sort()[1]!
  const ranges: { from: string, to: string }[] = [{ from: windowFrom, to: today }]
  for (const day of [...new Set(dirty)].sort()) {
    if (day < oldest || day >= windowFrom) continue
    const last = ranges.at(-1)!
    if (last !== ranges[0] && last.to === day) last.to = nextDay(day)
    else ranges.push({ from: day, to: nextDay(day) })
  }
  let rows = 0
  for (const range of ranges) {
    if (range.from >= range.to) continue
    await tx.execute(sql`delete from activity_rollup
      where tenant_id = ${tenantId}::uuid and day >= ${range.from}::date and day < ${range.to}::date`)
    const [written] = await queryRows<{ n: number }>(tx, sql`
      with counted as (${eventActivity(tenantId, utcMidnight(range.from), utcMidnight(range.to), null)}),
      written as (
        insert into activity_rollup (tenant_id, user_id, day, measure, count)
        select ${tenantId}::uuid, "userId", day::date, measure, count from counted
        returning 1
      ) select count(*)::int as n from written`)
    rows += written!.n
  }
  await tx.execute(sql`delete from activity_rollup where tenant_id = ${tenantId}::uuid and day < ${oldest}::date`)
  await tx.execute(sql`insert into activity_rollup_state (tenant_id, refreshed_at, from_day)
    values (${tenantId}::uuid, ${now.toISOString()}::timestamptz, ${oldest}::date)
    on conflict (tenant_id) do update set refreshed_at = excluded.refreshed_at, from_day = excluded.from_day`)
  const done = ranges.filter(r => r.from < r.to)
  return { ranges: done, days: done.reduce((n, r) => n + daysBetween(r.from, r.to) - 1, 0), rows }
}

const nextDay = (day: string) => isoDay(new Date(new Date(utcMidnight(day)).getTime() + 86_400_000))
const bucketStart = (day: string, back: number) => isoDay(new Date(new Date(utcMidnight(day)).getTime() - back * 86_400_000))

export interface ReportQuery {
  from: string
  to: string
  groupBy: GroupBy
  ownerId?: string
  teamId?: string
}

interface Person { id: string, name: string, teamId: string | null, role: string, active: boolean }

type Count = { userId: string | null, day: string | null, measure: MeasureName, count: number }

/**
 * The rollup's counts of the range's days before today, summed in the database: per rep and
 * measure, and (grouping by day or week) per bucket and measure. A team's quarter is a few
 * hundred rows, whatever the events. Today's come from the events (todayCounts).
 */
async function pastCounts(tx: Tx, access: Access, owners: readonly string[], query: ReportQuery, today: string) {
  const bucket = query.groupBy === 'day' ? sql`day` : query.groupBy === 'week' ? sql`date_trunc('week', day)::date` : null
  return query.from < today
    ? queryRows<Count>(tx, sql`
        select user_id as "userId", ${bucket ? sql`(${bucket})::text` : sql`null`} as day, measure, sum(count)::int as count
        from activity_rollup
        where tenant_id = ${access.tenantId}::uuid and day >= ${query.from}::date
          and day <= ${query.to < today ? query.to : bucketStart(today, 1)}::date
          ${andWhere(ownerIn(sql`user_id`, owners))}
        group by ${bucket ? sql`grouping sets ((user_id, measure), (${bucket}, measure))` : sql`user_id, measure`}`)
    : []
}

async function todayCounts(db: AppDatabase, access: Access, owners: readonly string[], query: ReportQuery, today: string) {
  // Today from the events. The counts of the reps the caller sees, over all their events (a rep's
  // call on a colleague's deal is theirs to count, though the deal's events are not theirs to read).
  return query.from <= today && query.to >= today
    ? withTenant(db, access.tenantId, tx =>
        queryRows<{ userId: string, day: string, measure: MeasureName, count: number }>(
          tx, eventActivity(access.tenantId, utcMidnight(today), utcMidnight(nextDay(today)), owners)))
    : []
}

/** The targets in force per rep: their own per measure, else their team's default. */
export function targetsOf(people: readonly Person[], rows: readonly { targetKey: string, measure: string, weekly: number }[]) {
  const byKey = new Map<string, Partial<Counts>>()
  for (const r of rows) {
    const field = fieldOf(r.measure)
    if (!field) continue
    const entry = byKey.get(r.targetKey) ?? {}
    entry[field] = r.weekly
    byKey.set(r.targetKey, entry)
  }
  return new Map(people.map(p => [p.id, { ...(p.teamId ? byKey.get(`team:${p.teamId}`) : {}), ...byKey.get(`owner:${p.id}`) }]))
}

const addCounts = (into: Counts, from: Partial<Counts>) => {
  for (const f of MEASURE_FIELDS) into[f] += from[f] ?? 0
}

/** A row's targets for a span of days (weekly targets prorated) and its attainment per measure with a target. */
function withTargets<T extends Counts>(row: T, weekly: Partial<Counts> | null, days: number) {
  if (!weekly || !Object.keys(weekly).length) return { ...row, targets: {}, attainment: {} }
  const targets: Partial<Counts> = {}
  const done: Partial<Record<MeasureField, number | null>> = {}
  for (const f of MEASURE_FIELDS) {
    if (weekly[f] === undefined) continue
    targets[f] = targetFor(weekly[f]!, days)
    done[f] = attainment(row[f], targets[f])
  }
  return { ...row, targets, attainment: done }
}

/**
 * The report for what the caller sees (a rep: their own figures; a manager: the reps of the
 * teams they lead and their own; an admin: everyone), narrowed by `ownerId` (404 when the caller
 * does not see that rep) or `teamId` (404 when not a team they see), grouped by rep, team, day or
 * ISO week, with targets and attainment, and totals.
 */
export async function activityReport(db: AppDatabase, access: Access, query: ReportQuery, now = new Date()) {
  const today = isoDay(now)
  const { teamNames, targetRows, inScope, past } = await withAccess(db, access, async (tx) => {
    if (query.ownerId && !seesOwner(access, query.ownerId)) throw notFound('owner')
    if (query.teamId) {
      const [team] = seesTeam(access, query.teamId)
        ? await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, access.tenantId), eq(teams.id, query.teamId)))
        : []
      if (!team) throw notFound('team')
    }
    const visible = ownersOf(access)
    const people = await tx.select({ id: users.id, name: users.name, teamId: users.teamId, role: users.role, active: users.active })
      .from(users)
      .where(and(eq(users.tenantId, access.tenantId), visible ? inArray(users.id, [...visible]) : undefined))
      .orderBy(users.name, users.id)
    const teamNames = new Map((await tx.select({ id: teams.id, name: teams.name }).from(teams)
      .where(eq(teams.tenantId, access.tenantId))).map(t => [t.id, t.name]))
    const targetRows = await tx
      .select({ targetKey: activityTargets.targetKey, measure: activityTargets.measure, weekly: activityTargets.weekly })
      .from(activityTargets).where(eq(activityTargets.tenantId, access.tenantId))
    // The reps in the report: those the caller sees, narrowed by the filter (a manager's team: its members).
    const inScope = people.filter(p => (!query.ownerId || p.id === query.ownerId) && (!query.teamId || p.teamId === query.teamId))
    const past = inScope.length ? await pastCounts(tx, access, inScope.map(p => p.id), query, today) : []
    return { teamNames, targetRows, inScope, past }
  })
  // Today's, after that transaction (one connection at a time: PGlite has but one).
  const todays = inScope.length ? await todayCounts(db, access, inScope.map(p => p.id), query, today) : []
  const counts = {
    perUser: [...past.filter(c => c.userId !== null), ...todays],
    perBucket: query.groupBy === 'day' || query.groupBy === 'week'
      ? [...past.filter(c => c.userId === null), ...todays.map(c => ({ ...c, userId: null }))]
      : [],
  }
  const targets = targetsOf(inScope, targetRows)
  const days = daysBetween(query.from, query.to)

  // Per rep over the range (the owner and team rows, the leaderboard, the totals' targets).
  const perRep = new Map(inScope.map(p => [p.id, zeroCounts()]))
  for (const c of counts.perUser) {
    const field = fieldOf(c.measure)
    if (field && c.userId && perRep.has(c.userId)) perRep.get(c.userId)![field] += c.count
  }
  // Reps appear when they had activity or are active non-admins (a quiet rep shows zeros).
  const shown = inScope.filter(p => (p.active && p.role !== 'admin') || MEASURE_FIELDS.some(f => perRep.get(p.id)![f] > 0))
  const repWeekly = (ids: readonly string[]) => {
    const sum: Partial<Counts> = {}
    for (const id of ids) {
      for (const [f, v] of Object.entries(targets.get(id) ?? {}) as [MeasureField, number][]) sum[f] = (sum[f] ?? 0) + v
    }
    return sum
  }

  let rows: ReportRow[]
  if (query.groupBy === 'owner') {
    rows = shown.map(p => withTargets({ key: p.id, label: p.name, ...perRep.get(p.id)! }, targets.get(p.id) ?? null, days))
  }
  else if (query.groupBy === 'team') {
    // A manager's team rows are the teams they lead (their own row may sit in another team), as in the forecast.
    const byTeam = Map.groupBy(shown.filter(p => access.scope === 'tenant' || (p.teamId !== null && seesTeam(access, p.teamId))),
      p => p.teamId ?? 'none')
    rows = [...byTeam].map(([teamId, members]) => {
      const sum = zeroCounts()
      for (const m of members) addCounts(sum, perRep.get(m.id)!)
      const label = teamId === 'none' ? 'No team' : (teamNames.get(teamId) ?? 'Team')
      return withTargets({ key: teamId, label, ...sum }, repWeekly(members.map(m => m.id)), days)
    }).sort((a, b) => a.label.localeCompare(b.label))
  }
  else {
    const groupBy = query.groupBy
    const buckets = new Map<string, Counts>()
    for (let d = query.from; d <= query.to; d = nextDay(d)) {
      const key = bucketOf(d, groupBy)
      if (!buckets.has(key)) buckets.set(key, zeroCounts())
    }
    for (const c of counts.perBucket) {
      const field = fieldOf(c.measure)
      if (field && c.day) buckets.get(bucketOf(c.day, groupBy))![field] += c.count
    }
    const weekly = repWeekly(shown.map(p => p.id))
    rows = [...buckets].map(([key, sum]) => {
      // A bucket's span within the range: a day is one day; a week its days inside [from, to].
      const sunday = nextDayN(key, 6)
      const span = groupBy === 'day' ? 1 : daysBetween(key < query.from ? query.from : key, sunday > query.to ? query.to : sunday)
      return withTargets({ key, label: groupBy === 'day' ? key : isoWeek(key), ...sum }, weekly, span)
    })
  }
  const total = zeroCounts()
  for (const p of shown) addCounts(total, perRep.get(p.id)!)
  const leaderboard = shown.filter(p => p.role !== 'admin' || MEASURE_FIELDS.some(f => perRep.get(p.id)![f] > 0))
    .map(p => ({ ownerId: p.id, name: p.name, teamId: p.teamId, ...perRep.get(p.id)! }))
  return {
    from: query.from,
    to: query.to,
    groupBy: query.groupBy,
    today,
    rows,
    totals: withTargets(total, repWeekly(shown.map(p => p.id)), days),
    reps: leaderboard,
    measures: MEASURES.map(m => ({ field: m.field, label: m.label })),
  }
}

const nextDayN = (day: string, n: number) => isoDay(new Date(new Date(utcMidnight(day)).getTime() + n * 86_400_000))

// ---- Targets ----

export interface TargetInput { ownerId?: string, teamId?: string, targets: Partial<Record<MeasureField, number | null>> }

/** The targets the caller may read: for the reps they see and the teams those reps are in (a rep: their own and their team's). */
export async function readTargets(tx: Tx, access: Access) {
  const visible = ownersOf(access)
  const people = await tx.select({ id: users.id, name: users.name, teamId: users.teamId, role: users.role, active: users.active })
    .from(users).where(and(eq(users.tenantId, access.tenantId), visible ? inArray(users.id, [...visible]) : undefined))
  const rows = await tx.select().from(activityTargets).where(eq(activityTargets.tenantId, access.tenantId))
  const teamIds = new Set(people.map(p => p.teamId).filter(Boolean))
  const keep = rows.filter(r => (r.ownerId && people.some(p => p.id === r.ownerId)) || (r.teamId && teamIds.has(r.teamId)))
  const group = (key: string) => Object.fromEntries(keep.filter(r => r.targetKey === key).map(r => [fieldOf(r.measure)!, r.weekly]))
  const effective = targetsOf(people, keep)
  return {
    owners: people.filter(p => p.role !== 'admin' || keep.some(r => r.ownerId === p.id)).sort((a, b) => a.name.localeCompare(b.name))
      .map(p => ({ ownerId: p.id, name: p.name, teamId: p.teamId, targets: group(`owner:${p.id}`), effective: effective.get(p.id) ?? {} })),
    teams: [...teamIds].map(id => ({ teamId: id!, targets: group(`team:${id}`) })),
  }
}

/**
 * Sets weekly targets for a rep or as a team's default: an admin anyone's; a manager those of the
 * reps of the teams they lead (not their own) and of those teams; a rep none (403). A rep or team
 * the caller does not see is not found (404). A null target removes it.
 */
export async function setTargets(tx: Tx, access: Access, caller: { userId: string, role: string }, input: TargetInput) {
  if (caller.role === 'rep') throw new DomainError(403, 'only managers and admins set activity targets')
  let targetKey: string
  if (input.ownerId) {
    const [owner] = await tx.select({ id: users.id }).from(users)
      .where(and(eq(users.tenantId, access.tenantId), eq(users.id, input.ownerId)))
    if (!owner || !seesOwner(access, owner.id)) throw notFound('owner')
    if (caller.role === 'manager' && owner.id === caller.userId)
      throw new DomainError(403, 'a manager sets the targets of their teams\' reps; their own are set by an admin')
    targetKey = `owner:${owner.id}`
  }
  else {
    const [team] = input.teamId && seesTeam(access, input.teamId)
      ? await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, access.tenantId), eq(teams.id, input.teamId)))
      : []
    if (!team) throw notFound('team')
    targetKey = `team:${team.id}`
  }
  const now = new Date()
  for (const [field, weekly] of Object.entries(input.targets) as [MeasureField, number | null][]) {
    const measure = MEASURES.find(m => m.field === field)!.measure
    if (weekly === null) {
      await tx.delete(activityTargets).where(and(eq(activityTargets.tenantId, access.tenantId), eq(activityTargets.targetKey, targetKey),
        eq(activityTargets.measure, measure)))
      continue
    }
    await tx.insert(activityTargets).values({
      tenantId: access.tenantId, targetKey, ownerId: input.ownerId ?? null, teamId: input.ownerId ? null : input.teamId!, measure, weekly,
      updatedById: caller.userId, updatedAt: now,
    }).onConflictDoUpdate({
      target: [activityTargets.tenantId, activityTargets.targetKey, activityTargets.measure],
      set: { weekly, updatedById: caller.userId, updatedAt: now },
    })
  }
  return { targetKey, updated: Object.keys(input.targets).length }
}
