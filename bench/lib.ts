// Shared pieces of the benchmarks: a fresh database on the real Postgres, the built server
// started against it, timing, and the results table and JSON.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { cpus, totalmem } from 'node:os'
import { adminQuery, withDatabaseName } from '../db/admin'
import { openDatabase, type DatabaseHandle } from '../db/client'
import { loadMigrations, migrate } from '../db/migrate'
import { ensureEventPartitions } from '../server/domain/events/partitions'

export const SERVER_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

const admin = (statement: string) => adminQuery(SERVER_URL, statement)

/** A new, migrated database `momentum_bench_<name>` (dropped first if a run left it). */
export async function freshDatabase(name: string): Promise<DatabaseHandle & { url: string, drop: () => Promise<void> }> {
  const db = `momentum_bench_${name}`
  await admin(`drop database if exists ${db} with (force)`)
  await admin(`create database ${db}`)
  const url = withDatabaseName(SERVER_URL, db)
  const handle = await openDatabase({ kind: 'postgres', url, poolMax: 4 })
  await migrate(handle.db, await loadMigrations('db/migrations'))
  await ensureEventPartitions(handle.db)
  return {
    ...handle,
    url,
    drop: async () => {
      await handle.close()
      await admin(`drop database if exists ${db} with (force)`)
    },
  }
}

/**
 * Node flags the built server runs with (as `npm start` does): V8 sizes the young generation from
 * the machine's memory, which on 24 GiB reserves ~150 MB of heap at idle; 16 MB semi-spaces keep
 * the server near 150 MB idle at no measurable cost in throughput.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=16']

/** Starts the built server (building it first if there is none) on a database; resolves when healthy. */
export async function startServer(databaseUrl: string, env: Record<string, string> = {}): Promise<{ url: string, process: ChildProcess, stop: () => Promise<void> }> {
  if (!existsSync('.output/server/index.mjs') || process.env.BENCH_BUILD === '1') {
    const build = spawnSync('npx', ['nuxt', 'build'], { stdio: 'inherit' })
    if (build.status !== 0) throw new Error('nuxt build failed')
  }
  // A port the OS says is free (a random one collided with other servers on a shared machine).
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '.output/server/index.mjs'], {
    env: { ...process.env, ...env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', NUXT_SEED_DEMO: '0', NUXT_SESSION_PASSWORD: randomBytes(24).toString('hex') },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    if (await fetch(`${url}/api/health`).then(r => r.ok, () => false)) break
    await new Promise(resolve => setTimeout(resolve, 250))
  }
  if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
  return {
    url,
    process: child,
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    }),
  }
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T, seconds: number }> {
  const start = process.hrtime.bigint()
  const result = await fn()
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 }
}

export interface Target { name: string, value: number, unit: string, target: string, pass: boolean }

/** Prints the table and writes bench/results/<name>.json. */
export function report(name: string, rows: Record<string, string | number>[], targets: Target[], extra: Record<string, unknown> = {}) {
  console.log(`\n${name}`)
  console.table(rows)
  for (const t of targets) console.log(`${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.value.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${t.unit} (target ${t.target})`)
  mkdirSync('bench/results', { recursive: true })
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version }
  writeFileSync(`bench/results/${name}.json`, JSON.stringify({ name, at: new Date().toISOString(), machine, rows, targets, ...extra }, null, 2))
}
