import { listSubscriptions } from '../../../domain/webhooks/subscriptions'

export const meta = defineRoute({ tag: 'Automation', summary: 'Outbound webhook subscriptions (admin)', capability: 'automation' })

/** The tenant's outbound webhook subscriptions (admins); secrets are never shown again. */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  return scoped(event, async (tx, auth) => ({ data: await listSubscriptions(tx, auth.tenantId) }))
})
