import { randomBytes } from 'node:crypto'
import { openDatabase, type DatabaseHandle } from '../../db/client'
import { loadMigrations, migrate } from '../../db/migrate'
import { adminQuery, withDatabaseName } from '../../db/admin'

export interface TestDatabase extends DatabaseHandle {
  /** The URL of the fresh database (real Postgres only). */
  url?: string
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite by default, or, when
 * TEST_DATABASE_URL is set, a new database on that server, dropped again by `close()`.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL
  const migrations = await loadMigrations('db/migrations')
  if (!serverUrl) {
    const handle = await openDatabase({ kind: 'pglite', dataDir: null })
    await migrate(handle.db, migrations)
    return handle
  }
  const name = `momentum_test_${randomBytes(6).toString('hex')}`
  await adminQuery(serverUrl, `create database ${name}`)
  const url = withDatabaseName(serverUrl, name)
  const handle = await openDatabase({ kind: 'postgres', url, poolMax: 5 })
  await migrate(handle.db, migrations)
  return {
    ...handle,
    url,
    close: async () => {
      await handle.close()
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`)
    },
  }
}
