import { runAndRecord } from '../../../../domain/integrations/salesforce/schedule'

export const meta = defineRoute({
  tag: 'Integrations',
  summary: 'Sync Salesforce now and wait; answers the run summary (admin)',
  capability: 'salesforce_sync',
})

/** Syncs now and waits (admins): answers the run's summary; 409 while another run holds the connection. */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin')
  const { outcome } = await runAndRecord(await useDb(), auth.tenantId)
  if (outcome.status === 'skipped') throw createError({ statusCode: 409, statusMessage: outcome.reason })
  return outcome.summary
})
