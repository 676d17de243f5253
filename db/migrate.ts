import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { queryRows, type AppDatabase, type Queryable } from './client'

export interface Migration {
  tag: string
  sql: string
}

interface Journal { entries: { idx: number, tag: string }[] }

/** The migrations drizzle-kit wrote, in journal order, read from a folder. */
export async function loadMigrations(dir: string): Promise<Migration[]> {
  const journal = JSON.parse(await readFile(join(dir, 'meta/_journal.json'), 'utf8')) as Journal
  const sorted = [...journal.entries].sort((a, b) => a.idx - b.idx)
  return Promise.all(sorted.map(async ({ tag }) => ({ tag, sql: await readFile(join(dir, `${tag}.sql`), 'utf8') })))
}

const checksum = (text: string) => createHash('sha256').update(text).digest('hex')

async function appliedTags(db: Queryable): Promise<Map<string, string>> {
  const [exists] = await queryRows<{ t: string | null }>(db, sql`select to_regclass('momentum_migrations')::text as t`)
  if (!exists?.t) return new Map()
  const rows = await queryRows<{ tag: string, checksum: string }>(db, sql`select tag, checksum from momentum_migrations`)
  return new Map(rows.map(r => [r.tag, r.checksum]))
}

/** The tags not applied yet (an empty list means the schema is current). */
export async function pendingMigrations(db: AppDatabase, migrations: Migration[]): Promise<string[]> {
  const applied = await appliedTags(db)
  return migrations.filter(m => !applied.has(m.tag)).map(m => m.tag)
}

/**
 * Applies the pending migrations in one transaction, under an advisory lock so that several
 * server processes starting at once apply them once. A migration that was edited after it was
 * applied is refused rather than silently skipped.
 */
export async function migrate(db: AppDatabase, migrations: Migration[]): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('momentum:migrate'))`)
    await tx.execute(sql`create table if not exists momentum_migrations (
      tag text primary key, checksum text not null, applied_at timestamptz not null default now())`)
    const applied = await appliedTags(tx)
    const done: string[] = []
    for (const migration of migrations) {
      const sum = checksum(migration.sql)
      const known = applied.get(migration.tag)
      if (known) {
        if (known !== sum) throw new Error(`Migration ${migration.tag} was changed after it was applied; add a new migration instead`)
        continue
      }
      for (const statement of migration.sql.split('--> statement-breakpoint')) {
        if (statement.trim()) await tx.execute(sql.raw(statement))
      }
      await tx.execute(sql`insert into momentum_migrations (tag, checksum) values (${migration.tag}, ${sum})`)
      done.push(migration.tag)
    }
    return done
  })
}
