import { publicConnection, requireConnection } from '../../../../domain/integrations/salesforce/connections'

export const meta = defineRoute({
  tag: 'Integrations',
  summary: 'The Salesforce connection, without its secrets (admin)',
  capability: 'salesforce_sync',
})

/** The tenant's Salesforce connection (admins), without its secrets; 404 when none. */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin')
  return withTenant(await useDb(), auth.tenantId, async tx => publicConnection(await requireConnection(tx, auth.tenantId)))
})
