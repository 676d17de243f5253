import { connectionStatus } from '../../../../domain/integrations/salesforce/schedule'

export const meta = defineRoute({
  tag: 'Integrations',
  summary: 'Salesforce sync status: last and next run, per-object watermark and records, lag, last error (admin)',
  capability: 'salesforce_sync',
})

/** How the sync is doing (admins): last and next run, watermark and records per object, lag, API usage, the last error in words. */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin')
  return withTenant(await useDb(), auth.tenantId, tx => connectionStatus(tx, auth.tenantId))
})
