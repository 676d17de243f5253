import { z } from 'zod'
import { userEvents } from '../../../domain/events/queries'

export const QuerySchema = PageQuerySchema.extend({
  userId: z.uuid(),
  from: z.iso.datetime({ offset: true }).transform(s => new Date(s)),
  to: z.iso.datetime({ offset: true }).transform(s => new Date(s)),
}).refine(q => q.from < q.to, { path: ['to'], message: 'must be after from' })

/** A user's events in a time range, newest first, paged with a cursor. */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, (tx, auth) => userEvents(tx, auth.tenantId, query.userId, query))
})
