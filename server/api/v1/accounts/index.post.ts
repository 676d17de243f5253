import { createAccount, AccountCreateSchema } from '../../../domain/records/accounts'

export const meta = defineRoute({ tag: 'Accounts', summary: 'Create an account', body: AccountCreateSchema, status: 201 })

export default defineEventHandler(async (event) => {
  const input = await readValidated(event, AccountCreateSchema)
  const account = await scoped(event, (tx, auth) => {
    assertMayAssign(auth, input.ownerId)
    return createAccount(tx, { tenantId: auth.tenantId, userId: auth.userId }, input)
  })
  setResponseStatus(event, 201)
  return account
})
