// Shared pieces of the benchmarks: a fresh database on the real Postgres, the built server
// started against it, signing in, timing, percentiles, the server's memory, and the results
// table and JSON.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { cpus, totalmem } from 'node:os'
import pg from 'pg'
import { adminQuery, withDatabaseName } from '../db/admin'
import { openDatabase, type DatabaseHandle } from '../db/client'
import { loadMigrations, migrate } from '../db/migrate'
import { ensureEventPartitions } from '../server/domain/events/partitions'

export const SERVER_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

const admin = (statement: string) => adminQuery(SERVER_URL, statement)

/** Rows of one statement on its own connection to the server's default database. */
export async function serverRows<T>(statement: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: SERVER_URL })
  await client.connect()
  try {
    return (await client.query(statement, values)).rows as T[]
  }
  finally {
    await client.end()
  }
}

export const benchDatabaseName = (name: string) => `momentum_bench_${name}`

/** Opens `momentum_bench_<name>` as it is (no migration), with a pool of `poolMax` connections. */
export async function openBenchDatabase(name: string, poolMax = 4): Promise<DatabaseHandle & { url: string, drop: () => Promise<void> }> {
  const db = benchDatabaseName(name)
  const url = withDatabaseName(SERVER_URL, db)
  const handle = await openDatabase({ kind: 'postgres', url, poolMax })
  return {
    ...handle,
    url,
    drop: async () => {
      await handle.close()
      await admin(`drop database if exists ${db} with (force)`)
    },
  }
}

/** A new, migrated database `momentum_bench_<name>` (dropped first if a run left it). */
export async function freshDatabase(name: string) {
  const db = benchDatabaseName(name)
  await admin(`drop database if exists ${db} with (force)`)
  await admin(`create database ${db}`)
  const handle = await openBenchDatabase(name)
  await migrate(handle.db, await loadMigrations('db/migrations'))
  await ensureEventPartitions(handle.db)
  return handle
}

/**
 * Node flags the built server runs with (as `npm start` does): V8 sizes the young generation from
 * the machine's memory, which on 24 GiB reserves ~150 MB of heap at idle; 16 MB semi-spaces keep
 * the server near 150 MB idle at no measurable cost in throughput. And V8 lets the old space grow
 * to ~4x the live heap before a full collection while collections are cheap: an import's ~45 MB
 * of live heap peaked at 300-336 MB of RSS. Growing it by 50% at a time holds that at ~200 MB
 * for ~5% of the import's speed.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=16', '--heap-growing-percent=50']

export interface ServerOptions {
  /** More environment for the server. */
  env?: Record<string, string>
  /** Seed the demo tenant on the (empty) database at start (NUXT_SEED_DEMO=1); off by default. */
  seedDemo?: boolean
}

/** Starts the built server (building it first if there is none) on a database; resolves when healthy. */
export async function startServer(
  databaseUrl: string,
  options: ServerOptions = {},
): Promise<{ url: string, process: ChildProcess, stop: () => Promise<void> }> {
  if (!existsSync('.output/server/index.mjs') || process.env.BENCH_BUILD === '1') {
    const build = spawnSync('npx', ['nuxt', 'build'], { stdio: 'inherit' })
    if (build.status !== 0) throw new Error('nuxt build failed')
  }
  // A port the OS says is free (a random one collided with other servers on a shared machine).
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo
        probe.close(() => resolve(port))
      })
  })
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '.output/server/index.mjs'], {
    env: {
      ...process.env,
      ...options.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      NUXT_SEED_DEMO: options.seedDemo ? '1' : '0',
      NUXT_SESSION_PASSWORD: randomBytes(24).toString('hex'),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  // The first health check opens the database (migrating, and seeding the demo when asked): up to 4 minutes on a busy machine.
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    if (
      await fetch(`${url}/api/health`).then(
        r => r.ok,
        () => false,
      )
    )
      break
    if (i >= 960) throw new Error('server not healthy after 4 minutes')
    await new Promise(resolve => setTimeout(resolve, 250))
  }
  if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
  return {
    url,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** Signs in through POST /api/auth/login; returns the session cookie to send. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (!response.ok) throw new Error(`sign-in of ${email} refused: ${response.status} ${await response.text()}`)
  const cookie = response.headers.getSetCookie().map(c => c.split(';')[0]).join('; ')
  if (!cookie) throw new Error(`sign-in of ${email} set no cookie`)
  return cookie
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T, seconds: number }> {
  const start = process.hrtime.bigint()
  const result = await fn()
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 }
}

/** Nearest-rank percentiles of some timings (any unit). */
export function percentiles(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (p: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]! : Number.NaN
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN }
}

/**
 * `connections` callers each running `fn` back to back until `seconds` have passed (each at least
 * once); the latency of every call in ms, and the calls that threw.
 */
export async function concurrently(connections: number, seconds: number, fn: () => Promise<unknown>) {
  const latencies: number[] = []
  let errors = 0
  const deadline = Date.now() + seconds * 1000
  const { seconds: elapsed } = await timed(() => Promise.all(Array.from({ length: connections }, async () => {
    do {
      const started = process.hrtime.bigint()
      try {
        await fn()
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6)
      }
      catch (error) {
        if (errors++ === 0) console.error(error)
      }
    } while (Date.now() < deadline)
  })))
  return { latencies, errors, seconds: elapsed }
}

/** A process's memory from /proc/<pid>/status, in MB: resident now, and the kernel's high-water mark. */
export async function memoryOf(pid: number) {
  const status = Object.fromEntries(
    (await readFile(`/proc/${pid}/status`, 'utf8'))
      .split('\n')
      .map(l => l.split(':'))
      .filter(p => p.length === 2)
      .map(([k, v]) => [k!, Number.parseInt(v!.trim(), 10)]),
  )
  return { rssMb: (status.VmRSS ?? 0) / 1024, highWaterMb: (status.VmHWM ?? 0) / 1024 }
}

/** Samples a process's resident set every `ms` until stopped; the peak seen, in MB. */
export function sampleMemory(pid: number, ms = 50) {
  let peakMb = 0
  const timer = setInterval(() => {
    memoryOf(pid).then(m => (peakMb = Math.max(peakMb, m.rssMb)), () => undefined)
  }, ms)
  return {
    stop: () => {
      clearInterval(timer)
      return peakMb
    },
  }
}

export interface Target { name: string, value: number, unit: string, target: string, pass: boolean }

/** The machine the figures come from. */
export async function machine() {
  const [row] = await serverRows<{ server_version: string }>('show server_version')
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: row?.server_version ?? null,
  }
}

/** Prints the table and the targets, and writes bench/results/<name>.json. */
export async function report(
  name: string,
  rows: Record<string, string | number>[],
  targets: Target[],
  extra: Record<string, unknown> = {},
) {
  console.log(`\n${name}`)
  console.table(rows)
  for (const t of targets)
    console.log(
      `${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: `
      + `${t.value.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${t.unit} (target ${t.target})`,
    )
  mkdirSync('bench/results', { recursive: true })
  writeFileSync(
    `bench/results/${name}.json`,
    JSON.stringify({ name, at: new Date().toISOString(), machine: await machine(), rows, targets, ...extra }, null, 2),
  )
}
