import { z } from 'zod'
import { ownersOf } from '../../domain/core/db'
import { focusList } from '../../domain/momentum/queries'

export const QuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  ownerId: z.uuid().optional(),
})

export const meta = defineRoute({ tag: 'Momentum', summary: 'The ranked focus list: why now and the next action', query: QuerySchema })

/** The caller's ranked focus list (a manager's team, an admin's tenant, or one owner): why now, and the next action. */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, async (tx, auth) => {
    if (query.ownerId && auth.access.scope === 'owners' && !auth.access.ownerIds.includes(query.ownerId))
      throw createError({ statusCode: 404, statusMessage: 'owner not found' })
    return {
      data: await focusList(tx, auth.tenantId, {
        limit: query.limit,
        ownerId: query.ownerId ?? (auth.role === 'rep' ? auth.userId : undefined),
        owners: ownersOf(auth.access),
      }),
    }
  })
})
