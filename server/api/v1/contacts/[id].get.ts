import { getContact } from '../../../domain/records/contacts'

/** The contact with their account, deals and recent events. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, (tx, auth) => getContact(tx, auth.tenantId, id))
})
