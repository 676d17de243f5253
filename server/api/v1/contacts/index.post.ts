import { createContact, ContactCreateSchema } from '../../../domain/records/contacts'

export const meta = defineRoute({ tag: 'Contacts', summary: 'Create a contact', body: ContactCreateSchema, status: 201 })

export default defineEventHandler(async (event) => {
  const input = await readValidated(event, ContactCreateSchema)
  const contact = await scoped(event, (tx, auth) => {
    assertMayAssign(auth, input.ownerId)
    return createContact(tx, { tenantId: auth.tenantId, userId: auth.userId }, input)
  })
  setResponseStatus(event, 201)
  return contact
})
