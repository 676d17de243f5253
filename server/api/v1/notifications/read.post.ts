import { z } from 'zod'
import { markRead } from '../../../domain/notifications/notifications'

export const BodySchema = z.object({
  ids: z.union([z.array(z.uuid()).min(1, 'at least one id').max(500), z.literal('all')]),
}).strict()

export const meta = defineRoute({
  tag: 'Work',
  summary: 'Mark the caller\'s notifications read ({ ids } or { ids: "all" })',
  body: BodySchema,
})

/** Marks the caller's notifications read: `{ ids: [...] }` or `{ ids: 'all' }`. */
export default defineEventHandler(async (event) => {
  const { ids } = await readValidated(event, BodySchema)
  return scoped(event, (tx, auth) => markRead(tx, auth.tenantId, auth.userId, ids))
})
