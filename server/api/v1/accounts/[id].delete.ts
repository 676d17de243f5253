import { deleteAccount } from '../../../domain/records/accounts'

export const meta = defineRoute({ tag: 'Accounts', summary: 'Delete an account (its deals and contacts stay)', status: 204 })

/** Deletes the account; its deals and contacts stay. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  await scoped(event, (tx, auth) => deleteAccount(tx, auth.tenantId, id))
  setResponseStatus(event, 204)
  return null
})
