import { recorded, type Job } from '../jobs/runner'
import { ensureEventPartitions } from './partitions'

/** events:partitions — creates the coming months' partitions of the events table (shared by every tenant). */
export const eventsPartitions: Job = async db => [await recorded(db, 'events:partitions', null, async () => {
  const created = await ensureEventPartitions(db)
  return { touched: created, details: { created } }
})]
