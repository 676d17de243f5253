import { ConnectionSchema, saveConnection } from '../../../../domain/integrations/salesforce/connections'

export const BodySchema = ConnectionSchema

export const meta = defineRoute({
  tag: 'Integrations',
  summary: 'Connect Salesforce or change the connection: OAuth client credentials or refresh token, interval, stage map (admin)',
  body: BodySchema,
  capability: 'salesforce_sync',
})

/** Connects the tenant's Salesforce org or changes the connection (admins). Secrets are sealed and never returned. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const input = await readValidated(event, BodySchema)
  return withTenant(await useDb(), auth.tenantId, tx => saveConnection(tx, actorOf(event, auth), input))
})
