import { removeConnection } from '../../../../domain/integrations/salesforce/connections'

export const meta = defineRoute({
  tag: 'Integrations',
  summary: 'Disconnect Salesforce; synced records stay (admin)',
  status: 204,
  capability: 'salesforce_sync',
})

/** Disconnects Salesforce (admins): the schedule stops; the records it brought in stay. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  await withTenant(await useDb(), auth.tenantId, tx => removeConnection(tx, actorOf(event, auth)))
  setResponseStatus(event, 204)
  return null
})
