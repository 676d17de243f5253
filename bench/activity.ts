// npm run bench:activity — the activity report at scale (the big tenant of bench/scale.ts: 20,000
// open deals, 5M events at BENCH_SCALE=1): a manager's team over a quarter (groupBy owner, day
// and week) from the daily rollup (activity_rollup, past days) plus today's events, beside the same
// counts computed from the raw events (eventActivity over the quarter, the rollup's own
// definition). Also times the rollup's first build (400 days) and an incremental refresh after an
// hour's writes (the recent days plus the days back-dated events dirtied). Target: the report's
// p95 < 200 ms. BENCH_REUSE=1 reuses a kept scale database; BENCH_KEEP=1 keeps it afterwards.
import { sql } from 'drizzle-orm'
import { queryRows } from '../db/client'
import { withTenant } from '../server/domain/core/db'
import { writeEvents, type EventRow } from '../server/domain/events/write'
import { activityReport, eventActivity, refreshActivityRollup } from '../server/domain/reports/activity'
import { accessFor } from '../server/domain/tenancy/access'
import { addDays, isoDay } from '../shared/utils/activityReport'
import { percentiles, report, timed } from './lib'
import { keptScaleDatabase, loadScaleDatabase } from './scale'

const scale = Number(process.env.BENCH_SCALE ?? 1)
const RUNS = Number(process.env.BENCH_ACTIVITY_RUNS ?? 30)
const RAW_RUNS = Number(process.env.BENCH_ACTIVITY_RAW_RUNS ?? 5)
const kept = process.env.BENCH_REUSE === '1' ? await keptScaleDatabase(scale) : null
const { database, meta } = kept ?? await loadScaleDatabase(scale)
const db = database.db
const T = meta.bigTenantId
console.log(kept ? `reusing the kept database (${meta.events.toLocaleString()} events)` : `loaded ${meta.events.toLocaleString()} events`)

// The rollup as the hourly refresh leaves it: the first build, then an hour's writes and an incremental run.
await withTenant(db, T, tx => tx.execute(sql`delete from activity_rollup_state where tenant_id = ${T}::uuid`))
const build = await timed(() => withTenant(db, T, tx => refreshActivityRollup(tx, T)))
const manager = await withTenant(db, T, async (tx) => {
  const [user] = await queryRows<{ id: string }>(tx,
    sql`select id from users where tenant_id = ${T}::uuid and email = ${meta.logins.manager}`)
  return { id: user!.id, access: await accessFor(tx, { tenantId: T, id: user!.id, role: 'manager' }) }
})
const owners = manager.access.scope === 'owners' ? manager.access.ownerIds : []
const deals = await withTenant(db, T, tx => queryRows<{ id: string, ownerId: string }>(tx,
  sql`select id, owner_id as "ownerId" from deals where tenant_id = ${T}::uuid order by id limit 200`))
const now = new Date()
const writes: EventRow[] = deals.flatMap((d, i) => [
  { type: 'call', occurredAt: new Date(now.getTime() - (i % 60) * 60_000), source: 'bench', actorUserId: d.ownerId, dealId: d.id,
    metadata: { outcome: 'connected' } },
  // Every tenth a back-dated note (logged late): marks its day dirty.
  ...(i % 10 === 0
    ? [{ type: 'note' as const, occurredAt: new Date(now.getTime() - (5 + i) * 86_400_000), source: 'bench', actorUserId: d.ownerId,
        dealId: d.id }]
    : []),
])
await withTenant(db, T, tx => writeEvents(tx, T, writes))
const incremental = await timed(() => withTenant(db, T, tx => refreshActivityRollup(tx, T)))

const today = isoDay(now)
const quarter = { from: addDays(today, -90), to: today }
const rows: Record<string, string | number>[] = []
const timings: Record<string, ReturnType<typeof percentiles>> = {}
const ms = (p: ReturnType<typeof percentiles>) => ({ p50: +p.p50.toFixed(1), p95: +p.p95.toFixed(1), max: +p.max.toFixed(1) })
for (const groupBy of ['owner', 'day', 'week'] as const) {
  const times: number[] = []
  let answered = 0
  for (let i = 0; i < RUNS; i++) {
    const { result, seconds } = await timed(() => activityReport(db, manager.access, { ...quarter, groupBy }, now))
    times.push(seconds * 1000)
    answered = result.rows.length
  }
  const p = percentiles(times.slice(2)) // the first two warm the pool and the plan cache
  timings[groupBy] = p
  rows.push({ read: `rollup + today, groupBy ${groupBy}`, rows: answered, ...ms(p) })
}
const rawTimes: number[] = []
for (let i = 0; i < RAW_RUNS; i++) {
  const { seconds } = await timed(() => withTenant(db, T, tx =>
    queryRows(tx, eventActivity(T, `${quarter.from}T00:00:00Z`, `${addDays(today, 1)}T00:00:00Z`, owners))))
  rawTimes.push(seconds * 1000)
}
const raw = percentiles(rawTimes)
rows.push({ read: 'raw events, same quarter and reps', rows: owners.length, ...ms(raw) })
const [stored] = await withTenant(db, T, tx =>
  queryRows<{ n: number }>(tx, sql`select count(*)::int as n from activity_rollup where tenant_id = ${T}::uuid`))
const worst = Math.max(...Object.values(timings).map(t => t.p95))

await report('activity', rows, [
  {
    name: 'activity report, a manager\'s team over a quarter (p95, worst grouping)',
    value: worst, unit: 'ms', target: '< 200', pass: worst < 200,
  },
  { name: 'raw events over rollup (p50, by owner)', value: raw.p50 / timings.owner!.p50, unit: '×', target: 'informational', pass: true },
], {
  scale,
  events: meta.events,
  reps: owners.length,
  rollupRows: stored!.n,
  build: { seconds: build.seconds, ...build.result, ranges: build.result.ranges.length },
  incremental: { seconds: incremental.seconds, ...incremental.result, writes: writes.length },
})
console.log(`rollup: first build ${build.seconds.toFixed(2)} s (${build.result.days} days, ${build.result.rows.toLocaleString()} rows); `
  + `incremental after ${writes.length} writes ${incremental.seconds.toFixed(2)} s (${incremental.result.days} days in `
  + `${incremental.result.ranges.length} ranges)`)
if (process.env.BENCH_KEEP === '1' || kept) await database.close()
else await database.drop()
