import { deleteSubscription } from '../../../domain/webhooks/subscriptions'

export const meta = defineRoute({
  tag: 'Automation',
  summary: 'Remove a webhook subscription (admin)',
  status: 204,
  capability: 'automation',
})

/** Removes a subscription and its delivery log (admins). */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  const { id } = paramsValidated(event, IdParamsSchema)
  await scoped(event, (tx, auth) => deleteSubscription(tx, auth.tenantId, id))
  setResponseStatus(event, 204)
  return null
})
