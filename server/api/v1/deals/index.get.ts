import { z } from 'zod'
import { listDeals } from '../../../domain/deals/queries'

const QuerySchema = PageQuerySchema.extend({
  stage: z.string().max(64).optional(),
  ownerId: z.uuid().optional(),
})

/** The deals the caller may see (their own, their team's, or the tenant's), newest first. */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, (tx, auth) => listDeals(tx, auth.tenantId, query))
})
