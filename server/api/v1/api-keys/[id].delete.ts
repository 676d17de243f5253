import { revokeApiKey } from '../../../domain/tenancy/apiKeys'

export const meta = defineRoute({ tag: 'People', summary: 'Revoke an API key (admin)', status: 204, capability: 'api_keys' })

/** Admin: revoke a key; it stops working at once. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const { id } = paramsValidated(event, IdParamsSchema)
  await scoped(event, tx => revokeApiKey(tx, actorOf(event, auth), id))
  setResponseStatus(event, 204)
  return null
})
