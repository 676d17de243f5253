import { createSubscription, WebhookCreateSchema } from '../../../domain/webhooks/subscriptions'

export const BodySchema = WebhookCreateSchema

/** Subscribes a public URL to event types (admins); answers `{ id, secret }` — the signing secret, shown once. */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  const input = await readValidated(event, BodySchema)
  const created = await scoped(event, (tx, auth) => createSubscription(tx, auth, input))
  setResponseStatus(event, 201)
  return created
})
