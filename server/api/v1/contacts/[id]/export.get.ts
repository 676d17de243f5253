import { exportContact } from '../../../../domain/records/privacy'

export const meta = defineRoute({ tag: 'Contacts', summary: 'Everything held on the person, as JSON (data portability; audited)' })

/** Everything held on a person, as JSON (data portability); audited. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const data = await scoped(event, (tx, auth) => exportContact(tx, actorOf(event, auth), id))
  setResponseHeader(event, 'content-disposition', `attachment; filename="contact-${id}.json"`)
  return data
})
