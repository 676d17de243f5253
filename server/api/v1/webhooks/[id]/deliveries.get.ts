import { deliveryLog } from '../../../../domain/webhooks/subscriptions'

export const meta = defineRoute({
  tag: 'Automation',
  summary: 'A subscription\'s deliveries with each attempt\'s response code (admin)',
  capability: 'automation',
})

/** A subscription's latest deliveries with every attempt's response code (admins). */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, async (tx, auth) => ({ data: await deliveryLog(tx, auth.tenantId, id) }))
})
