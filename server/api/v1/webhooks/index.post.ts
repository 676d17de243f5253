import { createSubscription, WebhookCreateSchema } from '../../../domain/webhooks/subscriptions'

export const BodySchema = WebhookCreateSchema

export const meta = defineRoute({
  tag: 'Automation',
  summary: 'Subscribe a public URL to event types; answers the signing secret once (admin)',
  body: WebhookCreateSchema,
  status: 201,
  capability: 'automation',
})

/** Subscribes a public URL to event types (admins); answers `{ id, secret }` — the signing secret, shown once. */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  const input = await readValidated(event, BodySchema)
  const created = await scoped(event, (tx, auth) => createSubscription(tx, auth, input))
  setResponseStatus(event, 201)
  return created
})
