import { publicConnection, requireConnection } from '../../../../domain/integrations/salesforce/connections'

/** The tenant's Salesforce connection (admins), without its secrets; 404 when none. */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin')
  return withTenant(await useDb(), auth.tenantId, async tx => publicConnection(await requireConnection(tx, auth.tenantId)))
})
