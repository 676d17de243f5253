import { z } from 'zod'
import { EMAIL_PROVIDERS } from '../../../db/schema'
import { invalidInput } from '../core/errors'
import type { Tx } from '../core/db'
import { normalizeEvents, type ItemIssue } from './normalize'
import { EventInputSchema, MAX_BATCH, type EventInput } from './schema'
import { writeEvents } from './write'

const BatchSchema = z
  .object({ events: z.array(z.unknown()).min(1, 'at least one event').max(MAX_BATCH, `at most ${MAX_BATCH} events`) })
  .strict()

/**
 * Reads one event or `{ events: [...] }` (up to 5,000). Every item is checked and every bad one
 * reported with its index; one bad item rejects the whole batch. Pure.
 */
export function parseEventBatch(body: unknown): EventInput[] {
  const isBatch = typeof body === 'object' && body !== null && 'events' in body
  if (!isBatch) {
    const one = EventInputSchema.safeParse(body)
    if (!one.success) throw invalidInput(one.error.issues.map(i => ({ index: 0, path: i.path.map(String).join('.'), message: i.message })))
    return [one.data]
  }
  const batch = BatchSchema.safeParse(body)
  if (!batch.success) throw invalidInput(batch.error.issues.map(i => ({ path: i.path.map(String).join('.'), message: i.message })))
  const issues: ItemIssue[] = []
  const inputs: EventInput[] = []
  batch.data.events.forEach((item, index) => {
    const parsed = EventInputSchema.safeParse(item)
    if (parsed.success) inputs.push(parsed.data)
    else for (const i of parsed.error.issues) issues.push({ index, path: i.path.map(String).join('.'), message: i.message })
  })
  if (issues.length) throw invalidInput(issues)
  return inputs
}

/**
 * Sources the app's own integrations write (signed webhooks, the Salesforce sync, imports,
 * sequences, mailboxes): momentum trusts them, so nobody posts them through the API.
 */
export const RESERVED_SOURCES: readonly string[] = [
  'salesforce',
  ...EMAIL_PROVIDERS,
  'email_inbound',
  'sequence',
  'import',
  'imap',
  'caldav',
  'stripe',
]

/**
 * Who posts: a signed-in person is the actor of what they post (they may name themselves, or an
 * outside address such as the buyer who wrote), an integration's API key may name any user its
 * creator sees.
 */
export interface Poster { userId: string, viaApiKey: boolean, sees: (userId: string) => boolean }

/** What a poster may not claim in these events: a reserved source, or another user as the actor. Pure. */
export function provenanceIssues(
  events: readonly { index: number, source: string, actorUserId?: string | null }[],
  poster: Poster,
): ItemIssue[] {
  const issues: ItemIssue[] = []
  const seen = new Set<string>()
  for (const event of events) {
    const once = (path: string, message: string) => {
      if (seen.has(`${event.index}|${path}`)) return
      seen.add(`${event.index}|${path}`)
      issues.push({ index: event.index, path, message })
    }
    if (RESERVED_SOURCES.includes(event.source.toLowerCase()))
      once('source', `"${event.source}" is written by the built-in integration only`)
    const actor = event.actorUserId
    if (!actor || actor === poster.userId) continue
    if (!poster.viaApiKey)
      once('actor', 'a signed-in caller posts as themselves: leave out actor.userId, or name yourself or an outside address')
    else if (!poster.sees(actor)) once('actor', 'not a user this key may act for')
  }
  return issues
}

/**
 * Resolves and stores a batch in the caller's transaction: all of it or nothing. References
 * that do not resolve (another tenant's deal, an unknown email) are reported by index, and so is
 * what the poster may not claim (see provenanceIssues). A person's events with no actor are theirs.
 * `'system'`: the app's own writers (activities it logs for a checked caller, sequences).
 */
export async function ingestEvents(tx: Tx, tenantId: string, inputs: readonly EventInput[], poster: Poster | 'system') {
  const { events, issues } = await normalizeEvents(tx, tenantId, inputs)
  if (issues.length) throw invalidInput(issues)
  if (poster === 'system') return writeEvents(tx, tenantId, events).then(r => ({ inserted: r.inserted, duplicates: r.duplicates }))
  const refused = provenanceIssues(events, poster)
  if (refused.length) throw invalidInput(refused)
  const attributed = poster.viaApiKey
    ? events
    : events.map(e => (e.actorUserId || inputs[e.index]!.actor.email ? e : { ...e, actorUserId: poster.userId }))
  const result = await writeEvents(tx, tenantId, attributed)
  return { inserted: result.inserted, duplicates: result.duplicates }
}
