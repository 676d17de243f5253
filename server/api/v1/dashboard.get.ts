import { z } from 'zod'
import { dashboard } from '../../domain/dashboard'

export const QuerySchema = z.object({ ownerId: z.uuid().optional(), teamId: z.uuid().optional() })
  .refine(q => !(q.ownerId && q.teamId), { path: ['teamId'], message: 'ask for an owner or a team, not both' })

/** The rep's screen in one call: board, pipeline summary, focus list, alerts, recent activity, forecast headline. */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  const result = await scoped(event, (tx, auth) => dashboard(tx, auth.tenantId, auth, query))
  const auth = await requireAuth(event)
  const { capabilities } = await tenantCapabilities(auth.tenantId)
  return { ...result, forecast: capabilities.includes('forecasting') ? result.forecast : null }
})
