import { getContact } from '../../../domain/records/contacts'

export const meta = defineRoute({ tag: 'Contacts', summary: 'A contact with their account, deals and recent events' })

/** The contact with their account, deals and recent events. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, (tx, auth) => getContact(tx, auth.tenantId, id))
})
