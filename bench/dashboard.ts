// npm run bench:dashboard — the dashboard's reads at scale on the real Postgres (the big tenant of
// bench/scale.ts, scored and its views refreshed): GET /api/v1/dashboard and
// GET /api/v1/pipeline/summary on the built server under 32 concurrent connections (autocannon),
// signed in as a rep, a manager and the admin; beside them the same screen computed on read from
// the raw deals and events (bench/onread.ts) with the same 32 in flight through a pg pool; and
// the server's memory through the load. Targets: p95 < 50 ms, precomputed >= 20x faster than on
// read (p50s), server RSS < 350 MB. Reuses the scale database bench:momentum kept (BENCH_KEEP=1),
// else loads it; drops it at the end unless BENCH_KEEP=1.
import autocannon from 'autocannon'
import { sql } from 'drizzle-orm'
import { queryRows } from '../db/client'
import { withTenant } from '../server/domain/core/db'
import { refreshMomentum } from '../server/domain/momentum/refresh'
import { BUS_CHANNEL } from '../server/domain/events/bus'
import { refreshPipelineViews, snapshotPipeline } from '../server/domain/momentum/views'
import { accessFor } from '../server/domain/tenancy/access'
import {
  concurrently,
  memoryOf,
  openBenchDatabase,
  percentiles,
  report,
  sampleMemory,
  signIn,
  startServer,
  timed,
  type Target,
} from './lib'
import { dashboardOnRead } from './onread'
import { BENCH_PASSWORD, keptScaleDatabase, loadScaleDatabase, markScored, scaleDatabase, type Logins } from './scale'

const scale = Number(process.env.BENCH_SCALE ?? 1)
const SECONDS = Number(process.env.BENCH_DASHBOARD_SECONDS ?? 10)
/**
 * An on-read request still running after this long is cancelled and counted at this time (a lower bound),
 * so that the run stays bounded.
 */
const CUTOFF_SECONDS = Number(process.env.BENCH_ONREAD_CUTOFF ?? 120)
const CONNECTIONS = 32
const ROLES = ['rep', 'manager', 'admin'] as const satisfies readonly (keyof Logins)[]
const ENDPOINTS = ['/api/v1/dashboard', '/api/v1/pipeline/summary'] as const
/** Requests, one at a time, each just after the server forgot the answers it kept. */
const UNCACHED = Number(process.env.BENCH_DASHBOARD_UNCACHED ?? 20)

const kept = await keptScaleDatabase(scale)
const { database, meta } = kept ?? await loadScaleDatabase(scale)
console.log(
  kept
    ? `reusing the kept scale database (${meta.events.toLocaleString()} events)`
    : `loaded ${meta.events.toLocaleString()} events in ${meta.seconds.toFixed(0)} s`,
)
const T = meta.bigTenantId
if (!meta.scored) {
  // What the hourly tasks leave behind: scores, alerts, refreshed views, the day's snapshot.
  const { seconds } = await timed(async () => {
    await withTenant(database.db, T, tx => refreshMomentum(tx, T, { full: true }))
    await refreshPipelineViews(database.db)
    await withTenant(database.db, T, tx => snapshotPipeline(tx, T, new Date()))
  })
  await markScored(database.db)
  console.log(`scored the big tenant and refreshed the views in ${seconds.toFixed(1)} s`)
}

// Who signs in: their ids and what they may see (as the server works it out).
const people = await withTenant(database.db, T, async (tx) => {
  const found = []
  for (const role of ROLES) {
    const [user] = await queryRows<{ id: string, role: 'rep' | 'manager' | 'admin' }>(
      tx,
      sql`select id, role from users where tenant_id = ${T}::uuid and email = ${meta.logins[role]}`,
    )
    const access = await accessFor(tx, { tenantId: T, id: user!.id, role: user!.role })
    found.push({
      role,
      email: meta.logins[role],
      access,
      owners: access.scope === 'tenant' ? 'tenant' : `${access.ownerIds.length} owner(s)`,
    })
  }
  return found
})

// The API, on the built server.
const server = await startServer(database.url)
const pid = server.process.pid!
const idle = await memoryOf(pid)
const memory = sampleMemory(pid)
const uncached: { role: string, requests: number, p50: number, p95: number, max: number }[] = []
const api: {
  role: string
  endpoint: string
  requests: number
  rps: number
  p50: number
  p95: number
  p99: number
  max: number
  errors: number
  non2xx: number
  openDeals?: number
}[] = []
for (const person of people) {
  const cookie = await signIn(server.url, person.email, BENCH_PASSWORD)
  const first = await fetch(`${server.url}/api/v1/dashboard`, { headers: { cookie } })
  if (!first.ok) throw new Error(`GET /api/v1/dashboard as the ${person.role}: ${first.status} ${await first.text()}`)
  const openDeals = ((await first.json()) as { totals: { openCount: number } }).totals.openCount
  for (const endpoint of ENDPOINTS) {
    const times: number[] = []
    // A minute before a request counts as timed out: slow answers are latency, not errors.
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        { url: `${server.url}${endpoint}`, connections: CONNECTIONS, duration: SECONDS, timeout: 60, headers: { cookie } },
        (error, done) => (error ? reject(error) : resolve(done)),
      )
      instance.on('response', (_client, _status, _bytes, ms) => times.push(ms))
    })
    const p = percentiles(times)
    api.push({
      role: person.role,
      endpoint,
      requests: p.n,
      rps: p.n / result.duration,
      p50: p.p50,
      p95: p.p95,
      p99: p.p99,
      max: p.max,
      errors: result.errors,
      non2xx: result.non2xx,
      openDeals,
    })
  }
  // Under load most answers come from the server's answer cache (until the tenant's next
  // change). What a request costs without it: the server is told, the way a view refresh tells
  // it, to forget every kept answer before each request.
  const times: number[] = []
  for (let i = 0; i < UNCACHED; i++) {
    const forget = { tenantId: 'all', topic: 'views.refreshed', data: {}, id: `bench-${person.role}-${i}` }
    await database.db.execute(sql`select pg_notify(${BUS_CHANNEL}, ${JSON.stringify(forget)})`)
    await new Promise(resolve => setTimeout(resolve, 50))
    const { seconds, result } = await timed(async () => {
      const response = await fetch(`${server.url}/api/v1/dashboard`, { headers: { cookie } })
      await response.arrayBuffer()
      return response.headers.get('x-momentum-cache')
    })
    if (result !== 'miss') throw new Error(`GET /api/v1/dashboard after the caches were forgotten answered ${result}, not a miss`)
    times.push(seconds * 1000)
  }
  const p = percentiles(times)
  uncached.push({ role: person.role, requests: p.n, p50: p.p50, p95: p.p95, max: p.max })
}
const peakMb = memory.stop()
const { highWaterMb } = await memoryOf(pid)
await server.stop()

// The same screen computed on read, 32 at a time through a pool of 32 connections.
const pool = await openBenchDatabase(scaleDatabase(scale), CONNECTIONS)
const cancelled = (error: unknown) =>
  [error, (error as { cause?: unknown }).cause].some(e => (e as { code?: string } | undefined)?.code === '57014')
const onRead: {
  role: string
  requests: number
  cut: number
  p50: number
  p95: number
  p99: number
  max: number
  errors: number
  seconds: number
  openDeals: number | null
}[] = []
for (const person of people) {
  let cut = 0
  let openDeals: number | null = null
  const run = await concurrently(CONNECTIONS, SECONDS, async () => {
    try {
      const screen = await dashboardOnRead(pool.db, person.access, { timeoutMs: CUTOFF_SECONDS * 1000 })
      openDeals = screen.totals.openCount
    }
    catch (error) {
      if (!cancelled(error)) throw error
      cut++
    }
  })
  const p = percentiles(run.latencies)
  onRead.push({
    role: person.role,
    requests: p.n,
    cut,
    p50: p.p50,
    p95: p.p95,
    p99: p.p99,
    max: p.max,
    errors: run.errors,
    seconds: run.seconds,
    openDeals,
  })
}
await pool.close()

const ms = (n: number) => +n.toFixed(1)
const rows = [
  ...api.map(a => ({
    'path': `${a.endpoint} (server)`,
    'as': a.role,
    'requests': a.requests,
    'req/s': Math.round(a.rps),
    'p50 ms': ms(a.p50),
    'p95 ms': ms(a.p95),
    'p99 ms': ms(a.p99),
    'max ms': ms(a.max),
    'errors / non-2xx': `${a.errors} / ${a.non2xx}`,
  })),
  ...uncached.map(u => ({
    'path': '/api/v1/dashboard (server), one at a time, uncached',
    'as': u.role,
    'requests': u.requests,
    'req/s': '-',
    'p50 ms': ms(u.p50),
    'p95 ms': ms(u.p95),
    'p99 ms': '-',
    'max ms': ms(u.max),
    'errors / non-2xx': '0 / 0',
  })),
  ...onRead.map(o => ({
    'path': `the dashboard computed on read (pg pool)${o.cut ? `, ${o.cut} cut off at ${CUTOFF_SECONDS} s: at least` : ''}`,
    'as': o.role,
    'requests': o.requests,
    'req/s': +(o.requests / o.seconds).toFixed(1),
    'p50 ms': ms(o.p50),
    'p95 ms': ms(o.p95),
    'p99 ms': ms(o.p99),
    'max ms': ms(o.max),
    'errors / non-2xx': `${o.errors} / -`,
  })),
]
const targets: Target[] = [
  ...api.map(a => ({
    name: `${a.endpoint} p95, ${CONNECTIONS} connections, as the ${a.role}`,
    value: a.p95,
    unit: 'ms',
    target: '< 50',
    pass: a.p95 < 50 && a.errors === 0 && a.non2xx === 0,
  })),
  ...onRead.map((o) => {
    const precomputed = api.find(a => a.role === o.role && a.endpoint === '/api/v1/dashboard')!
    // Both count the caller's open deals the same way (unknown when every on-read request was cut off).
    const agree = o.openDeals === null || precomputed.openDeals === o.openDeals
    const notes = [
      o.cut ? `at least: ${o.cut} of ${o.requests} on-read requests cut off at ${CUTOFF_SECONDS} s` : '',
      agree ? '' : `open deals differ: ${precomputed.openDeals} vs ${o.openDeals}`,
    ].filter(Boolean)
    return {
      name: `dashboard precomputed vs computed on read (p50), as the ${o.role}${notes.length ? ` (${notes.join('; ')})` : ''}`,
      value: o.p50 / precomputed.p50,
      unit: 'x',
      target: '>= 20',
      pass: o.p50 / precomputed.p50 >= 20 && o.errors === 0 && agree,
    }
  }),
  ...uncached.map(u => ({
    name: `/api/v1/dashboard uncached (one at a time, each after the answers were forgotten), p50, as the ${u.role}`,
    value: u.p50,
    unit: 'ms',
    target: 'reported',
    pass: true,
  })),
  {
    name: 'server RSS under the dashboard load (kernel high-water mark)',
    value: highWaterMb,
    unit: 'MB',
    target: '< 350',
    pass: highWaterMb < 350,
  },
  { name: 'server RSS at idle, before the load', value: idle.rssMb, unit: 'MB', target: 'reported', pass: true },
]
await report('dashboard', rows, targets, {
  scale,
  sizes: meta.sizes,
  reusedScaleDatabase: Boolean(kept),
  connections: CONNECTIONS,
  seconds: SECONDS,
  people: people.map(p => ({ role: p.role, sees: p.owners })),
  api,
  uncached,
  onRead,
  memory: { idleMb: idle.rssMb, peakSampledMb: peakMb, highWaterMb },
})
if (process.env.BENCH_KEEP === '1') await database.close()
else await database.drop()
