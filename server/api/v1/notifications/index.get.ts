import { z } from 'zod'
import { listNotifications } from '../../../domain/notifications/notifications'
import { CursorSchema } from '../../../utils/schemas'

export const QuerySchema = z.object({
  unread: z.enum(['0', '1']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: CursorSchema,
})

export const meta = defineRoute({
  tag: 'Work',
  summary: 'The caller\'s notifications, newest first, and the unread count',
  query: QuerySchema,
})

/** The caller's notifications, newest first, with the unread count (`unread=1`: only those). */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, (tx, auth) =>
    listNotifications(tx, auth.tenantId, auth.userId, { unread: query.unread === '1', limit: query.limit, cursor: query.cursor }),
  )
})
