import { z } from 'zod'
import { dashboard } from '../../domain/dashboard/dashboard'

export const QuerySchema = z.object({ ownerId: z.uuid().optional(), teamId: z.uuid().optional() })
  .refine(q => !(q.ownerId && q.teamId), { path: ['teamId'], message: 'ask for an owner or a team, not both' })

export const meta = defineRoute({
  tag: 'Momentum',
  summary: 'The rep\'s screen in one call: board, summary, focus, alerts, activity, forecast headline',
  query: QuerySchema,
})

/**
 * The rep's screen in one call: board, pipeline summary, focus list, alerts, recent activity,
 * forecast headline. Kept per caller and filter until the tenant's next change (server/utils/answers.ts).
 */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  const auth = await requireAuth(event)
  const { capabilities } = await tenantCapabilities(auth.tenantId)
  const withForecast = capabilities.includes('forecasting')
  return sendCached(event, 'dashboard', auth, [query.ownerId, query.teamId, withForecast], async () => {
    const result = await scoped(event, (tx, caller) => dashboard(tx, caller.tenantId, caller, query))
    return { ...result, forecast: withForecast ? result.forecast : null }
  })
})
