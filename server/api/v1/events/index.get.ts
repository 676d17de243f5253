import { z } from 'zod'
import { userEvents } from '../../../domain/events/queries'
import { IsoDateTime } from '../../../domain/core/dates'

export const QuerySchema = PageQuerySchema.extend({
  userId: z.uuid(),
  from: IsoDateTime(),
  to: IsoDateTime(),
}).refine(q => q.from < q.to, { path: ['to'], message: 'must be after from' })

export const meta = defineRoute({ tag: 'Events', summary: 'A user\'s events in a time range', query: QuerySchema })

/** A user's events in a time range, newest first, paged with a cursor. */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, (tx, auth) => userEvents(tx, auth.tenantId, query.userId, query))
})
