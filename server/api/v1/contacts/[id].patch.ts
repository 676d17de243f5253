import { ContactPatchSchema, updateContact } from '../../../domain/records/contacts'

export const meta = defineRoute({ tag: 'Contacts', summary: 'Update a contact', body: ContactPatchSchema })

export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const patch = await readValidated(event, ContactPatchSchema)
  return scoped(event, (tx, auth) => {
    assertMayAssign(auth, patch.ownerId)
    return updateContact(tx, auth.tenantId, id, patch)
  })
})
