import { getDeal } from '../../../../domain/deals/queries'
import { timelineWithRefs } from '../../../../domain/events/queries'
import { TimelineQuerySchema } from '../../../../utils/schemas'

export const meta = defineRoute({
  tag: 'Deals',
  summary: 'A deal\'s events, newest first, with the names they refer to in `refs` (`types=note,call` keeps those)',
  query: TimelineQuerySchema,
})

/** A deal's events, newest first, paged with a cursor; 404 for a deal the caller cannot see. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const query = queryValidated(event, TimelineQuerySchema)
  return scoped(event, async (tx, auth) => {
    if (!await getDeal(tx, auth.tenantId, id)) throw createError({ statusCode: 404, statusMessage: 'deal not found' })
    return timelineWithRefs(tx, auth.tenantId, 'deal', id, query)
  })
})
