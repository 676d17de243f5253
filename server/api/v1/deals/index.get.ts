import { z } from 'zod'
import { decodeCursor, listDeals } from '../../../domain/deals/queries'

const QuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional().transform((value, ctx) => {
    if (value === undefined) return undefined
    const cursor = decodeCursor(value)
    if (!cursor) ctx.addIssue({ code: 'custom', message: 'not a cursor this API returned' })
    return cursor ?? undefined
  }),
  stage: z.string().max(64).optional(),
  ownerId: z.uuid().optional(),
})

/** The deals the caller may see (their own, their team's, or the tenant's), newest first. */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, (tx, auth) => listDeals(tx, auth.tenantId, query))
})
