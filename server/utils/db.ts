import { consola } from 'consola'
import { openDatabase, resolveDatabaseConfig, type AppDatabase, type DatabaseHandle } from '../../db/client'
import { migrate, pendingMigrations, type Migration } from '../../db/migrate'
import { DEMO_PASSWORD, seedDemo } from '../domain/demo/seed'
import { tenants } from '../../db/schema'
import { LocalBus, setLocalDelivery } from '../domain/events/bus'
import { ensureEventPartitions } from '../domain/events/partitions'

/** The one place the server gets its database and tables from. */
export * as tables from '../../db/schema'
export { withTenant } from '../domain/core/db'

let ready: Promise<DatabaseHandle> | undefined
let stopListening: (() => Promise<void>) | undefined

/**
 * The live feed of this process: every stored event (and later scores and alerts) arrives here
 * from Postgres NOTIFY, so it works the same with one process or many.
 */
export const bus = new LocalBus()
// What this process commits, it hears at once (and once: the notification coming back is skipped).
setLocalDelivery(message => bus.deliver(message))

/** The migrations bundled with the server (Nitro server assets from db/migrations). */
export async function bundledMigrations(): Promise<Migration[]> {
  const storage = useStorage('assets:migrations')
  const journal = await storage.getItem<{ entries: { idx: number, tag: string }[] }>('meta:_journal.json')
  if (!journal) throw new Error('db/migrations/meta/_journal.json is missing from the server bundle')
  const sorted = [...journal.entries].sort((a, b) => a.idx - b.idx)
  return Promise.all(sorted.map(async ({ tag }) => ({ tag, sql: String(await storage.getItem(`${tag}.sql`)) })))
}

function shouldSeed(kind: DatabaseHandle['kind']) {
  const flag = String(useRuntimeConfig().seedDemo ?? '')
  if (flag) return ['1', 'true', 'yes'].includes(flag.toLowerCase())
  return import.meta.dev && kind === 'pglite'
}

async function start(): Promise<DatabaseHandle> {
  const handle = await openDatabase(resolveDatabaseConfig())
  const applied = await migrate(handle.db, await bundledMigrations())
  if (applied.length) consola.info(`[db] applied migrations: ${applied.join(', ')}`)
  await ensureEventPartitions(handle.db)
  stopListening = await bus.connect(handle)
  if (shouldSeed(handle.kind) && (await handle.db.select({ id: tenants.id }).from(tenants).limit(1)).length === 0) {
    const summary = await seedDemo(handle.db)
    // Logins and the demo password are printed in development only: production logs never carry credentials.
    consola.box([
      `Demo data: ${summary.deals} deals, ${summary.events} events.`,
      ...(import.meta.dev
        ? ['Sign in with any of these (password: ' + DEMO_PASSWORD + '):', ...summary.logins.map(l => `  ${l.email.padEnd(28)} ${l.role}`)]
        : ['The demo logins are listed in the README.']),
    ].join('\n'))
  }
  return handle
}

/** The database, opened, migrated and (in dev, when empty) seeded on first use. */
export function useDatabase(): Promise<DatabaseHandle> {
  ready ??= start().catch((error) => {
    ready = undefined
    throw error
  })
  return ready
}

export async function useDb(): Promise<AppDatabase> {
  return (await useDatabase()).db
}

export async function closeDatabase() {
  const current = ready
  ready = undefined
  await stopListening?.()
  if (current) await (await current).close()
}

export async function schemaIsCurrent(db: AppDatabase) {
  return (await pendingMigrations(db, await bundledMigrations())).length === 0
}
