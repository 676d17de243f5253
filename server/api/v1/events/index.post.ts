import { ingestEvents, parseEventBatch } from '../../../domain/events/ingest'

/** The ingestion API: one event or a batch of up to 5,000, all or nothing, idempotent by (source, externalId). */
export default defineEventHandler(async (event) => {
  const inputs = parseEventBatch(await readBody(event))
  return scoped(event, (tx, auth) => ingestEvents(tx, auth.tenantId, inputs))
})
