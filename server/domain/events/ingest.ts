import { z } from 'zod'
import { DomainError } from '../errors'
import type { Tx } from '../db'
import { normalizeEvents, type ItemIssue } from './normalize'
import { EventInputSchema, MAX_BATCH, type EventInput } from './schema'
import { writeEvents } from './write'

const BatchSchema = z.object({ events: z.array(z.unknown()).min(1, 'at least one event').max(MAX_BATCH, `at most ${MAX_BATCH} events`) }).strict()

const invalid = (issues: ItemIssue[] | { path: string, message: string }[]) =>
  new DomainError(400, 'validation', { issues })

/**
 * Reads one event or `{ events: [...] }` (up to 5,000). Every item is checked and every bad one
 * reported with its index; one bad item rejects the whole batch. Pure.
 */
export function parseEventBatch(body: unknown): EventInput[] {
  const isBatch = typeof body === 'object' && body !== null && 'events' in body
  if (!isBatch) {
    const one = EventInputSchema.safeParse(body)
    if (!one.success) throw invalid(one.error.issues.map(i => ({ index: 0, path: i.path.map(String).join('.'), message: i.message })))
    return [one.data]
  }
  const batch = BatchSchema.safeParse(body)
  if (!batch.success) throw invalid(batch.error.issues.map(i => ({ path: i.path.map(String).join('.'), message: i.message })))
  const issues: ItemIssue[] = []
  const inputs: EventInput[] = []
  batch.data.events.forEach((item, index) => {
    const parsed = EventInputSchema.safeParse(item)
    if (parsed.success) inputs.push(parsed.data)
    else for (const i of parsed.error.issues) issues.push({ index, path: i.path.map(String).join('.'), message: i.message })
  })
  if (issues.length) throw invalid(issues)
  return inputs
}

/**
 * Resolves and stores a batch in the caller's transaction: all of it or nothing. References
 * that do not resolve (another tenant's deal, an unknown email) are reported by index.
 */
export async function ingestEvents(tx: Tx, tenantId: string, inputs: readonly EventInput[]) {
  const { events, issues } = await normalizeEvents(tx, tenantId, inputs)
  if (issues.length) throw invalid(issues)
  const result = await writeEvents(tx, tenantId, events)
  return { inserted: result.inserted, duplicates: result.duplicates }
}
