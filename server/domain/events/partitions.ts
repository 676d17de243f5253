import { sql } from 'drizzle-orm'
import type { AppDatabase } from '../../../db/client'

/**
 * Creates this month's and the next `monthsAhead` months' partitions of `events`, and moves any
 * rows waiting in the default partition into partitions of their own (see migration 0001).
 * Returns how many partitions were created.
 */
export async function ensureEventPartitions(db: AppDatabase, monthsAhead = 3): Promise<number> {
  const result = await db.execute<{ created: number }>(sql`select momentum_ensure_event_partitions(${monthsAhead}::int) as created`)
  return Number(result.rows[0]?.created ?? 0)
}
