import { getDeal } from '../../../../domain/deals/queries'
import { dealTimeline } from '../../../../domain/events/queries'
import { TimelineQuerySchema } from '../../../../utils/schemas'

export const meta = defineRoute({
  tag: 'Deals',
  summary: 'A deal\'s events, newest first (`types=note,call` keeps those)',
  query: TimelineQuerySchema,
})

/** A deal's events, newest first, paged with a cursor; 404 for a deal the caller cannot see. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const query = queryValidated(event, TimelineQuerySchema)
  return scoped(event, async (tx, auth) => {
    if (!await getDeal(tx, auth.tenantId, id)) throw createError({ statusCode: 404, statusMessage: 'deal not found' })
    return dealTimeline(tx, auth.tenantId, id, query)
  })
})
