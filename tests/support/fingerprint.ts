import { createHash } from 'node:crypto'
import pg from 'pg'
import type { Client } from './http'

/**
 * What a tenant holds, as one comparable value, to prove a refused request wrote nothing.
 * On a real Postgres (the test server's database URL): every row of every table with a
 * `tenant_id`, hashed per table. On PGlite, which the server holds alone: every list the API
 * answers an admin.
 */
export interface Fingerprint {
  take: () => Promise<Record<string, string>>
  close: () => Promise<void>
}

const API_LISTS = ['/api/v1/deals?limit=500', '/api/v1/accounts?limit=500', '/api/v1/contacts?limit=500', '/api/v1/leads?limit=500',
  '/api/v1/teams', '/api/v1/users', '/api/v1/api-keys', '/api/v1/audit?limit=500', '/api/v1/custom-fields', '/api/v1/pipeline/stages',
  '/api/v1/imports', '/api/v1/integrations/email', '/api/v1/integrations/email/unmatched', '/api/v1/alerts']

/** Columns a request writes as bookkeeping, not data: a session's last use (touched at most once a minute) and address. */
const BOOKKEEPING: Record<string, string[]> = { user_sessions: ['last_seen_at', 'ip'] }
const rowText = (table: string) =>
  BOOKKEEPING[table] ? `(to_jsonb(x) ${BOOKKEEPING[table].map(c => `- '${c}'`).join(' ')})::text` : 'x::text'

export async function fingerprint(databaseURL: string, tenantId: string, admin: Client): Promise<Fingerprint> {
  if (!databaseURL) {
    return {
      take: async () => Object.fromEntries(await Promise.all(API_LISTS.map(async (path) => {
        const answer = await admin.get(path)
        return [path, `${answer.status}:${createHash('sha256').update(JSON.stringify(answer.body)).digest('hex')}`] as const
      }))),
      close: async () => {},
    }
  }
  const pool = new pg.Pool({ connectionString: databaseURL, max: 2 })
  // Tables (and partitioned parents, not their partitions) with a tenant_id; superusers read past RLS.
  const tables = (await pool.query<{ name: string }>(`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by 1`)).rows.map(r => r.name)
  return {
    take: async () => {
      const parts = tables.map(
        t =>
          `select '${t}' as t, count(*)::int as n, coalesce(md5(string_agg(${rowText(t)}, '|' order by ${rowText(t)})), '') as h `
          + `from "${t}" x where tenant_id = $1`,
      )
      const { rows } = await pool.query<{ t: string, n: number, h: string }>(parts.join(' union all '), [tenantId])
      return Object.fromEntries(rows.map(r => [r.t, `${r.n}:${r.h}`]))
    },
    close: () => pool.end(),
  }
}

/** The entries that differ between two fingerprints. */
export function changed(before: Record<string, string>, after: Record<string, string>) {
  return Object.keys({ ...before, ...after }).filter(k => before[k] !== after[k])
}
