import { connectionStatus } from '../../../../domain/integrations/salesforce/schedule'

/** How the sync is doing (admins): last and next run, watermark and records per object, lag, API usage, the last error in words. */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin')
  return withTenant(await useDb(), auth.tenantId, tx => connectionStatus(tx, auth.tenantId))
})
