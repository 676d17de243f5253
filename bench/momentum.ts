// npm run bench:momentum — momentum scoring at scale on the real Postgres: a tenant with 20,000
// open deals and 5,000,000 events over 18 months beside 20 small tenants (bench/scale.ts).
// Targets: a full scoring run under 10 s; an hourly run with 1% of deals touched under 0.5 s; the
// dashboard's pipeline summary read from the precomputed summary under 5 ms (beside the same
// numbers computed on read from the deals table). BENCH_KEEP=1 keeps the scored database for
// bench:dashboard (bench/all.ts does so); BENCH_REUSE=1 times a kept one again instead of loading
// anew (its deals then scored before: the full run rescores them, as the hourly task does).
import { sql } from 'drizzle-orm'
import { queryRows } from '../db/client'
import { withTenant } from '../server/domain/core/db'
import { writeEvents } from '../server/domain/events/write'
import { refreshMomentum } from '../server/domain/momentum/refresh'
import { refreshPipelineViews, pipelineSummary, snapshotPipeline } from '../server/domain/momentum/views'
import { keptScaleDatabase, loadScaleDatabase, markScored } from './scale'
import { percentiles, report, timed } from './lib'

const scale = Number(process.env.BENCH_SCALE ?? 1)
const kept = process.env.BENCH_REUSE === '1' ? await keptScaleDatabase(scale) : null
const { database, meta: loaded } = kept ?? await loadScaleDatabase(scale)
const db = database.db
const size = loaded.sizes
const events = loaded.events.toLocaleString()
console.log(kept ? `reusing the kept database (${events} events)` : `loaded ${events} events in ${loaded.seconds.toFixed(0)} s`)
const T = loaded.bigTenantId

const full = await timed(() => withTenant(db, T, tx => refreshMomentum(tx, T, { full: true })))
const views = await timed(() => refreshPipelineViews(db))
const snapshot = await timed(() => withTenant(db, T, tx => snapshotPipeline(tx, T, new Date())))

// An hour's activity on 1% of the open deals, through the one event writer (which marks them dirty).
const touchedDeals = (await withTenant(db, T, tx => queryRows<{ id: string }>(tx, sql`
  select d.id from deals d join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage and s.kind = 'open'
  where d.tenant_id = ${T}::uuid order by d.id limit ${Math.round(size.openDeals / 100)}`))).map(d => d.id)
await withTenant(db, T, tx => writeEvents(tx, T, touchedDeals.flatMap(dealId => [
  { type: 'email_received' as const, occurredAt: new Date(), source: 'bench', dealId },
  { type: 'call' as const, occurredAt: new Date(), source: 'bench', dealId, metadata: { outcome: 'connected' } },
])))
const incremental = await timed(() => withTenant(db, T, tx => refreshMomentum(tx, T)))
const viewsAgain = await timed(() => refreshPipelineViews(db))

/** Percentiles of `n` runs one after another, in milliseconds. */
async function latency(n: number, fn: () => Promise<unknown>) {
  const times: number[] = []
  for (let i = 0; i < n; i++) times.push((await timed(fn)).seconds * 1000)
  return percentiles(times)
}
const summaryRead = await latency(200, () => withTenant(db, T, tx => pipelineSummary(tx, 'tenant')))
const onRead = await latency(50, () => withTenant(db, T, tx => queryRows(tx, sql`
  select d.stage, count(*)::int, sum(d.amount), sum(d.amount * coalesce(d.probability, s.probability) / 100.0),
         count(*) filter (where sc.state = 'at_risk')::int
  from deals d join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage
  left join deal_scores sc on sc.tenant_id = d.tenant_id and sc.deal_id = d.id
  where d.tenant_id = ${T}::uuid group by d.stage`)))

const mix = await withTenant(db, T, tx =>
  queryRows<{ state: string, n: number }>(tx, sql`select state::text, count(*)::int as n from deal_scores group by 1 order by 1`),
)
await report(
  'momentum',
  [
    {
      step: `load (set-wise): ${loaded.events.toLocaleString()} events, ${size.openDeals.toLocaleString()} open deals + 20 small tenants`,
      ms: Math.round(loaded.seconds * 1000),
      detail: '',
    },
    {
      step: 'full scoring run, big tenant',
      ms: Math.round(full.seconds * 1000),
      detail: `${full.result.scored} deals scored, ${full.result.alertsCreated} alerts`,
    },
    {
      step: 'refresh the pipeline summary and daily activity of every tenant, one by one',
      ms: Math.round(views.seconds * 1000),
      detail: `${views.result.tenants} tenants`,
    },
    { step: 'daily pipeline snapshot', ms: Math.round(snapshot.seconds * 1000), detail: `${snapshot.result} deals` },
    {
      step: `incremental run, ${touchedDeals.length} deals touched (1%)`,
      ms: Math.round(incremental.seconds * 1000),
      detail: `${incremental.result.scored} scored`,
    },
    { step: 'refresh views after the incremental run', ms: Math.round(viewsAgain.seconds * 1000), detail: '' },
    { step: 'pipeline summary from the view (p50 / p95)', ms: +summaryRead.p50.toFixed(2), detail: `p95 ${summaryRead.p95.toFixed(2)} ms` },
    { step: 'the same numbers computed on read (p50 / p95)', ms: +onRead.p50.toFixed(2), detail: `p95 ${onRead.p95.toFixed(2)} ms` },
  ],
  [
    {
      name: 'full scoring of the big tenant',
      value: full.seconds,
      unit: 's',
      target: '< 10',
      pass: full.seconds < 10 && full.result.scored === size.openDeals,
    },
    {
      name: 'incremental run, 1% touched',
      value: incremental.seconds,
      unit: 's',
      target: '< 0.5',
      pass: incremental.seconds < 0.5 && incremental.result.scored === touchedDeals.length,
    },
    { name: 'pipeline summary read, p95', value: summaryRead.p95, unit: 'ms', target: '< 5', pass: summaryRead.p95 < 5 },
    {
      name: 'summary read: computed on read / from the view (p50)',
      value: onRead.p50 / summaryRead.p50,
      unit: 'x',
      target: 'reported',
      pass: true,
    },
  ],
  { sizes: size, loadSeconds: loaded.seconds, mix, full: full.result, incremental: incremental.result },
)
await markScored(db)
if (process.env.BENCH_KEEP === '1' || kept) await database.close()
else await database.drop()
