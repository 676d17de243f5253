import { ingestEvents, parseEventBatch } from '../../../domain/events/ingest'
import { seesOwner } from '../../../domain/tenancy/access'
import { EventInputSchema } from '../../../domain/events/schema'

export const meta = defineRoute({
  tag: 'Events',
  summary: 'Ingest one event or { events: [...] } (up to 5,000, all or nothing)',
  body: EventInputSchema,
  maxBytes: 16 * MB,
})

/**
 * The ingestion API: one event or a batch of up to 5,000, all or nothing, idempotent by (source,
 * externalId). A signed-in caller is the actor of what they post; provider sources are the
 * built-in integrations' own.
 */
export default defineEventHandler(async (event) => {
  const inputs = parseEventBatch(await readBody(event))
  return scoped(event, (tx, auth) => ingestEvents(tx, auth.tenantId, inputs, {
    userId: auth.userId, viaApiKey: Boolean(auth.apiKeyId), sees: userId => seesOwner(auth.access, userId),
  }))
})
