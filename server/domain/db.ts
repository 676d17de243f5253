import { sql } from 'drizzle-orm'
import type { AppDatabase } from '../../db/client'

/** A transaction handle, as drizzle passes it to `db.transaction(fn)`. */
export type Tx = Parameters<Parameters<AppDatabase['transaction']>[0]>[0]

/**
 * Runs `fn` in a transaction bound to one tenant: `app.tenant_id` is set with
 * `set_config(..., true)`, i.e. for this transaction only (a session-level SET would leak to the
 * next tenant on a transaction pooler). Row-level security policies read that setting.
 */
export function withTenant<T>(db: AppDatabase, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`)
    return fn(tx)
  })
}
