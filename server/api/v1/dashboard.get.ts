import { z } from 'zod'
import { dashboard } from '../../domain/dashboard'

export const QuerySchema = z.object({ ownerId: z.uuid().optional(), teamId: z.uuid().optional() })
  .refine(q => !(q.ownerId && q.teamId), { path: ['teamId'], message: 'ask for an owner or a team, not both' })

/**
 * The rep's screen in one call: board, pipeline summary, focus list, alerts, recent activity,
 * forecast headline. Answers are kept per caller and filter until the tenant's next change
 * (server/utils/dashboardCache.ts), so a screen opened again reads nothing from the database.
 */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  const auth = await requireAuth(event)
  const { capabilities } = await tenantCapabilities(auth.tenantId)
  const withForecast = capabilities.includes('forecasting')
  const sees = auth.access.scope === 'owners' ? auth.access.ownerIds.join(',') : 'tenant'
  const key = [auth.tenantId, auth.userId, auth.apiKeyId ?? '', auth.role, auth.teamId ?? '', sees, query.ownerId ?? '', query.teamId ?? '', withForecast].join('|')
  const { value, hit } = await cachedDashboard(auth.tenantId, key, async () => {
    const result = await scoped(event, (tx, caller) => dashboard(tx, caller.tenantId, caller, query))
    return { ...result, forecast: withForecast ? result.forecast : null }
  })
  setHeader(event, 'x-momentum-cache', hit ? 'hit' : 'miss')
  return value
})
