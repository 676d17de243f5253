import { eraseContact } from '../../../../domain/records/privacy'

export const meta = defineRoute({ tag: 'Contacts', summary: 'Erase the person\'s personal data, keeping history (admin; audited)' })

/** Erases a person's personal data (admins): fields anonymized, history kept; audited. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  await requireRole(event, 'admin')
  return scoped(event, (tx, auth) => eraseContact(tx, actorOf(event, auth), id))
})
