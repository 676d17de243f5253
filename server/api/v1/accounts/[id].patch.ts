import { AccountPatchSchema, updateAccount } from '../../../domain/records/accounts'

export const meta = defineRoute({ tag: 'Accounts', summary: 'Update an account', body: AccountPatchSchema })

export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const patch = await readValidated(event, AccountPatchSchema)
  return scoped(event, (tx, auth) => {
    assertMayAssign(auth, patch.ownerId)
    return updateAccount(tx, auth.tenantId, id, patch)
  })
})
