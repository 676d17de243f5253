import { getAccount } from '../../../domain/records/accounts'

/** The account with its contacts, open deals and recent events. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, (tx, auth) => getAccount(tx, auth.tenantId, id))
})
