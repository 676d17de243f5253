import { deliveryLog } from '../../../../domain/webhooks/subscriptions'

/** A subscription's latest deliveries with every attempt's response code (admins). */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, async (tx, auth) => ({ data: await deliveryLog(tx, auth.tenantId, id) }))
})
