import { assertContact } from '../../../../domain/records/contacts'
import { timelineWithRefs } from '../../../../domain/events/queries'
import { TimelineQuerySchema } from '../../../../utils/schemas'

export const meta = defineRoute({
  tag: 'Contacts',
  summary: 'A contact\'s events, newest first, with the names they refer to in `refs` (`types=note,call` keeps those)',
  query: TimelineQuerySchema,
})

/** A contact's events, newest first, paged with a cursor; 404 for a contact the caller cannot see. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const query = queryValidated(event, TimelineQuerySchema)
  return scoped(event, async (tx, auth) => {
    await assertContact(tx, auth.tenantId, id)
    return timelineWithRefs(tx, auth.tenantId, 'contact', id, query)
  })
})
