import { routeMetaFor } from '../openapi/routes'
import { scopeName, scopeNeeded, scopesGrant } from '../../shared/utils/apiScopes'

/**
 * 1. Who is calling. Every /api/v1 route needs a signed-in user or an API key: an anonymous
 * caller gets 401 here, before any route validates its input. Sets `event.context.auth`. An API
 * key must also hold the scope of the route's area (read for GET, write otherwise): 403
 * `scope_required` naming it — the one place keys' scopes are enforced.
 */
export default defineEventHandler(async (event) => {
  if (!(event.path.startsWith('/api/v1/') || event.path === '/api/v1')) return
  const auth = await requireAuth(event)
  if (!auth.apiKeyScopes) return
  const meta = routeMetaFor(event.method, event.path)
  if (!meta) return
  const need = scopeNeeded(meta, event.method)
  if (need && scopesGrant(auth.apiKeyScopes, need)) return
  const scope = need ? scopeName(need) : 'admin:write'
  throw createError({ statusCode: 403, statusMessage: `this API key lacks the ${scope} scope`, data: { error: 'scope_required', scope } })
})
