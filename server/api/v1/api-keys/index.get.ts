import { listApiKeys } from '../../../domain/tenancy/apiKeys'

export default defineEventHandler(async (event) => {
  await requireAdminUser(event)
  return scoped(event, async (tx, auth) => ({ data: await listApiKeys(tx, auth.tenantId) }))
})
