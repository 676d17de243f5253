import { deleteContact } from '../../../domain/records/contacts'

export const meta = defineRoute({ tag: 'Contacts', summary: 'Delete a contact', status: 204 })

export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  await scoped(event, (tx, auth) => deleteContact(tx, auth.tenantId, id))
  setResponseStatus(event, 204)
  return null
})
