import { resolve } from 'node:path'
import type { SQL } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import * as schema from './schema'
import { acquireDataDirLock } from './lock'

export type AppDatabase = PgDatabase<PgQueryResultHKT, typeof schema>

/** A transaction handle, as drizzle passes it to `db.transaction(fn)`. */
export type Tx = Parameters<Parameters<AppDatabase['transaction']>[0]>[0]
/** Anything that runs SQL: the database or a transaction. */
export type Queryable = Pick<AppDatabase, 'execute'>

/**
 * Runs raw SQL and returns its rows. The three drivers all answer `{ rows }`, but drizzle's
 * driver-neutral type leaves the result unknown; this is the one place that says so.
 */
export async function queryRows<T>(db: Queryable, query: SQL): Promise<T[]> {
  const result = await db.execute(query) as unknown as { rows: T[] }
  return result.rows
}

export type DatabaseKind = 'pglite' | 'postgres' | 'neon'

export type DatabaseConfig
  = | { kind: 'pglite', dataDir: string | null }
    | { kind: 'postgres' | 'neon', url: string, poolMax: number, neonWsProxy?: string }

export interface DatabaseHandle {
  db: AppDatabase
  kind: DatabaseKind
  close: () => Promise<void>
  /**
   * LISTEN on a channel over a connection of its own (not a pooled one: a pooler would drop it);
   * answers the function that stops listening. NOTIFYs sent in a transaction arrive at commit.
   */
  listen: (channel: string, onPayload: (payload: string) => void, hooks?: ListenHooks) => Promise<() => Promise<void>>
}

/** When a LISTEN connection drops (NOTIFYs are missed from then) and when it is back. */
export interface ListenHooks {
  onLost?: () => void
  onReconnect?: () => void
}

interface ListenClient {
  connect: () => Promise<unknown>
  query: (text: string) => Promise<unknown>
  end: () => Promise<void>
  on: (event: 'notification' | 'error', fn: (arg: { channel?: string, payload?: string } & Error) => void) => unknown
}

/**
 * LISTEN on a dedicated client, reconnecting after a dropped connection (every second until the
 * database answers again). NOTIFYs sent while it was away are lost: `onLost` and `onReconnect` tell
 * the caller, to stop trusting and then drop what it derived from them.
 */
function listenWith(makeClient: () => ListenClient) {
  return async (channel: string, onPayload: (payload: string) => void, hooks: ListenHooks = {}) => {
    let client: ListenClient | undefined
    let stopped = false
    const connect = async (): Promise<void> => {
      const next = makeClient()
      let lost = false
      next.on('notification', (message) => {
        if (message.channel === channel && message.payload !== undefined) onPayload(message.payload)
      })
      next.on('error', () => {
        if (lost || stopped) return
        lost = true
        hooks.onLost?.()
        void next.end().catch(() => {})
        reconnect()
      })
      await next.connect()
      await next.query(`LISTEN "${channel.replace(/"/g, '""')}"`)
      client = next
    }
    const reconnect = () => setTimeout(() => {
      if (stopped) return
      connect().then(() => hooks.onReconnect?.(), reconnect)
    }, 1000)
    await connect()
    return async () => {
      stopped = true
      await client?.end().catch(() => {})
    }
  }
}

export class DatabaseConfigError extends Error {
  override name = 'DatabaseConfigError'
}

/**
 * Picks the driver from the environment:
 * - no DATABASE_URL: embedded PGlite persisted in PGLITE_DIR (default `.data/pglite`);
 *   `PGLITE_DIR=memory` keeps it in memory;
 * - a Neon host (`*.neon.tech`) or DATABASE_DRIVER=neon: the Neon serverless Pool over WebSocket;
 * - any other postgres:// URL: node-postgres with a pool.
 */
export function resolveDatabaseConfig(env: Record<string, string | undefined> = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim()
  const driver = env.DATABASE_DRIVER?.trim().toLowerCase()
  if (driver && !['pglite', 'pg', 'postgres', 'neon'].includes(driver)) {
    throw new DatabaseConfigError(`DATABASE_DRIVER must be pglite, pg or neon (got "${driver}")`)
  }
  if (!url || driver === 'pglite') {
    const dir = env.PGLITE_DIR?.trim() || '.data/pglite'
    return { kind: 'pglite', dataDir: dir === 'memory' ? null : resolve(dir) }
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  }
  catch {
    throw new DatabaseConfigError('DATABASE_URL is not a valid URL (expected postgres://user:password@host/db)')
  }
  if (!['postgres:', 'postgresql:'].includes(parsed.protocol)) {
    throw new DatabaseConfigError(`DATABASE_URL must start with postgres:// or postgresql:// (got ${parsed.protocol}//)`)
  }
  const poolMax = Number(env.DATABASE_POOL_MAX) || 10
  const neon = driver === 'neon' || (driver === undefined && parsed.hostname.endsWith('.neon.tech'))
  return neon
    ? { kind: 'neon', url, poolMax, neonWsProxy: env.NEON_WS_PROXY?.trim() || undefined }
    : { kind: 'postgres', url, poolMax }
}

/** Opens the database the config names. The one place that knows the three drivers. */
export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  if (config.kind === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite')
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
    const { drizzle } = await import('drizzle-orm/pglite')
    const release = config.dataDir ? await acquireDataDirLock(config.dataDir) : () => {}
    try {
      const client = await PGlite.create(config.dataDir ?? undefined, { extensions: { pg_trgm } })
      return {
        kind: 'pglite',
        db: drizzle({ client, schema }) as unknown as AppDatabase,
        close: async () => {
          await client.close()
          release()
        },
        // One process, one connection: PGlite delivers NOTIFY to its own listeners.
        listen: async (channel, onPayload) => {
          const stop = await client.listen(channel, onPayload)
          return async () => stop()
        },
      }
    }
    catch (error) {
      release()
      throw error
    }
  }
  if (config.kind === 'neon') {
    const { Pool, neonConfig } = await import('@neondatabase/serverless')
    const { drizzle } = await import('drizzle-orm/neon-serverless')
    const { default: WebSocket } = await import('ws')
    neonConfig.webSocketConstructor = WebSocket
    if (config.neonWsProxy) {
      // A local WebSocket-to-TCP proxy in front of a plain Postgres (development and tests).
      const proxy = config.neonWsProxy
      neonConfig.wsProxy = (host, port) => `${proxy}?address=${host}:${port}`
      neonConfig.useSecureWebSocket = false
      neonConfig.pipelineConnect = false
      neonConfig.pipelineTLS = false
    }
    const pool = new Pool({ connectionString: config.url, max: config.poolMax })
    pool.on('error', (error: Error) => console.warn(`[db] idle connection closed: ${error.message}`))
    const { Client } = await import('@neondatabase/serverless')
    return {
      kind: 'neon',
      db: drizzle({ client: pool, schema }) as unknown as AppDatabase,
      close: () => pool.end(),
      listen: listenWith(() => new Client({ connectionString: config.url }) as unknown as ListenClient),
    }
  }
  const { default: pg } = await import('pg')
  const { drizzle } = await import('drizzle-orm/node-postgres')
  const pool = new pg.Pool({ connectionString: config.url, max: config.poolMax })
  // An idle connection can be closed by the server (restart, failover, a dropped database): the
  // pool replaces it; without a listener Node would treat the event as a crash.
  pool.on('error', error => console.warn(`[db] idle connection closed: ${error.message}`))
  return {
    kind: 'postgres',
    db: drizzle({ client: pool, schema }) as unknown as AppDatabase,
    close: () => pool.end(),
    listen: listenWith(() => new pg.Client({ connectionString: config.url }) as unknown as ListenClient),
  }
}
