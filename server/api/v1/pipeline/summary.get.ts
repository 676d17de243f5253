import { z } from 'zod'
import { pipelineSummary } from '../../../domain/momentum/views'
import { summaryGroup } from '../../../domain/momentum/queries'

export const QuerySchema = z.object({ ownerId: z.uuid().optional(), teamId: z.uuid().optional() })
  .refine(q => !(q.ownerId && q.teamId), { path: ['teamId'], message: 'ask for an owner or a team, not both' })

export const meta = defineRoute({
  tag: 'Momentum',
  summary: 'Pipeline per stage (count, value, weighted, momentum mix) for the caller, an owner or a team',
  query: QuerySchema,
})

/**
 * The pipeline per stage (count, value, weighted value, momentum mix) for the caller's scope, an
 * owner or a team, read from the materialized view refreshed after each scoring run; kept until
 * the next refresh (server/utils/answers.ts).
 */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  const auth = await requireAuth(event)
  return sendCached(event, 'summary', auth, [query.ownerId, query.teamId], () =>
    scoped(event, async (tx, caller) => pipelineSummary(tx, await summaryGroup(tx, caller.tenantId, caller, query))))
})
