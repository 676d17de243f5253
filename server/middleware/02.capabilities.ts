import { withAccess } from '../domain/core/db'
import { API_KEY_CAPABILITY, ruleFor } from '../domain/billing/routes'
import { countUsage } from '../domain/billing/usage'

const paymentRequired = (data: Record<string, unknown>) =>
  createError({
    statusCode: 402,
    statusMessage: data.error === 'plan_limit' ? 'your plan\'s limit is reached' : 'your plan does not include this',
    data,
  })

/**
 * 2. What the tenant's plan allows, from the local capabilities (see server/domain/billing):
 * 402 `capability_required` for a route the plan does not include, 402 `plan_limit` for a create
 * that would pass a limit. The rules per route are in server/domain/billing/routes.ts.
 */
export default defineEventHandler(async (event) => {
  const auth = event.context.auth
  if (!auth || !event.path.startsWith('/api/v1/')) return
  const rule = ruleFor(event.method, event.path)
  if (!rule && !auth.apiKeyId) return
  const plan = await tenantCapabilities(auth.tenantId)
  const needed = [rule?.capability, auth.apiKeyId ? API_KEY_CAPABILITY : undefined].filter(c => c !== undefined)
  for (const capability of needed) {
    if (!plan.capabilities.includes(capability)) throw paymentRequired({ error: 'capability_required', capability })
  }
  const limitKey = rule?.limit
  const limit = limitKey ? plan.limits[limitKey] : null
  if (limitKey && limit !== null) {
    const used = await withAccess(await useDb(), { tenantId: auth.tenantId, scope: 'tenant' }, tx =>
      countUsage(tx, auth.tenantId, limitKey),
    )
    if (used >= limit) throw paymentRequired({ error: 'plan_limit', resource: limitKey, limit, used })
  }
})
