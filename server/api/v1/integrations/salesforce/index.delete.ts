import { removeConnection } from '../../../../domain/integrations/salesforce/connections'

/** Disconnects Salesforce (admins): the schedule stops; the records it brought in stay. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  await withTenant(await useDb(), auth.tenantId, tx => removeConnection(tx, actorOf(event, auth)))
  setResponseStatus(event, 204)
  return null
})
