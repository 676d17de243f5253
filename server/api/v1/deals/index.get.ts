import { z } from 'zod'
import { decodeDealCursor, listDeals } from '../../../domain/deals/queries'
import { DEAL_SORTS } from '../../../domain/deals/schemas'

export const QuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(300).refine(c => decodeDealCursor(c) !== null, 'not a cursor this API returned').optional(),
  sort: z.enum(DEAL_SORTS).default('createdAt'),
  stage: z.string().max(64).optional(),
  ownerId: z.uuid().optional(),
  teamId: z.uuid().optional(),
}).refine(q => q.cursor === undefined || decodeDealCursor(q.cursor, q.sort) !== null, { path: ['cursor'], message: 'not a cursor this API returned for this sort' })

export const meta = defineRoute({ tag: 'Deals', summary: 'List deals (filters, sorts, cursor)', query: QuerySchema })

/** The deals the caller may see (their own, their team's, or the tenant's), filtered and sorted. */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, (tx, auth) => listDeals(tx, auth.tenantId, query))
})
