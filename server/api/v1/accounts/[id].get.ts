import { getAccount } from '../../../domain/records/accounts'

export const meta = defineRoute({ tag: 'Accounts', summary: 'An account with its contacts, open deals and recent events' })

/** The account with its contacts, open deals and recent events. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, (tx, auth) => getAccount(tx, auth.tenantId, id))
})
