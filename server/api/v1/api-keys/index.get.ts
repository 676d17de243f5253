import { listApiKeys } from '../../../domain/tenancy/apiKeys'

export const meta = defineRoute({ tag: 'People', summary: 'API keys: scopes, expiry, rate, last use (admin)', capability: 'api_keys' })

export default defineEventHandler(async (event) => {
  await requireAdminUser(event)
  return scoped(event, async (tx, auth) => ({ data: await listApiKeys(tx, auth.tenantId) }))
})
