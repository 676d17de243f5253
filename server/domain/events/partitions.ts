import { sql } from 'drizzle-orm'
import { queryRows, type Queryable } from '../../../db/client'

/**
 * Creates this month's and the next `monthsAhead` months' partitions of `events`, and moves any
 * rows waiting in the default partition into partitions of their own (see migration 0001).
 * Returns how many partitions were created.
 */
export async function ensureEventPartitions(db: Queryable, monthsAhead = 3): Promise<number> {
  const [row] = await queryRows<{ created: number }>(db, sql`select momentum_ensure_event_partitions(${monthsAhead}::int) as created`)
  return Number(row?.created ?? 0)
}
