import { listConnections } from '../../../../domain/email/tracking/connections'

export const meta = defineRoute({
  tag: 'Integrations',
  summary: 'Email provider connections and their webhook URLs (admin)',
  capability: 'email_tracking',
})

/** The tenant's email connections and their webhook URLs (admins); secrets are never returned. */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin')
  return { data: await withTenant(await useDb(), auth.tenantId, tx => listConnections(tx, auth.tenantId, publicOrigin(event))) }
})
