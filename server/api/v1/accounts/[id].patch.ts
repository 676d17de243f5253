import { AccountPatchSchema, updateAccount } from '../../../domain/records/accounts'

export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const patch = await readValidated(event, AccountPatchSchema)
  return scoped(event, (tx, auth) => {
    assertMayAssign(auth, patch.ownerId)
    return updateAccount(tx, auth.tenantId, id, patch)
  })
})
