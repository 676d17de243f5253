import { routeTable } from '../routeTable'
import type { Capability, LimitKey } from './plans'

export interface RouteRule {
  /** The plan capability the route needs (402 `capability_required` without it). */
  capability?: Capability
  /** The limit a create on this route counts against (402 `plan_limit` when it is reached). */
  limit?: LimitKey
}

/**
 * Every /api/v1 route that a plan gates, in one visible place. Routes not listed are in every
 * plan. The billing middleware (server/middleware/02.capabilities.ts) enforces this table.
 */
export const ROUTE_RULES: Record<string, RouteRule> = {
  'GET /api/v1/api-keys': { capability: 'api_keys' },
  'POST /api/v1/api-keys': { capability: 'api_keys' },
  'DELETE /api/v1/api-keys/[id]': { capability: 'api_keys' },
  'POST /api/v1/users': { limit: 'users' },
  'POST /api/v1/deals': { limit: 'openDeals' },
  'POST /api/v1/leads/[id]/convert': { limit: 'openDeals' },
  'GET /api/v1/forecast': { capability: 'forecasting' },
  'GET /api/v1/forecast/history': { capability: 'forecasting' },
  'POST /api/v1/forecast/adjustments': { capability: 'forecasting' },
  'PUT /api/v1/forecast/quotas': { capability: 'forecasting' },
  'GET /api/v1/analytics/[kind]': { capability: 'forecasting' },
  'GET /api/v1/integrations/email': { capability: 'email_tracking' },
  'POST /api/v1/integrations/email': { capability: 'email_tracking' },
  'GET /api/v1/integrations/email/unmatched': { capability: 'email_tracking' },
  // Automation rules, email sequences and outbound webhooks; tasks and notifications are in every plan.
  'GET /api/v1/automation/rules': { capability: 'automation' },
  'POST /api/v1/automation/rules': { capability: 'automation' },
  'PATCH /api/v1/automation/rules/[id]': { capability: 'automation' },
  'DELETE /api/v1/automation/rules/[id]': { capability: 'automation' },
  'GET /api/v1/automation/rules/[id]/runs': { capability: 'automation' },
  'POST /api/v1/automation/rules/[id]/dry-run': { capability: 'automation' },
  'GET /api/v1/sequences': { capability: 'automation' },
  'POST /api/v1/sequences': { capability: 'automation' },
  'POST /api/v1/sequences/[id]/enrol': { capability: 'automation' },
  'GET /api/v1/webhooks': { capability: 'automation' },
  'POST /api/v1/webhooks': { capability: 'automation' },
  'DELETE /api/v1/webhooks/[id]': { capability: 'automation' },
  'GET /api/v1/webhooks/[id]/deliveries': { capability: 'automation' },
  'GET /api/v1/integrations/salesforce': { capability: 'salesforce_sync' },
  'PUT /api/v1/integrations/salesforce': { capability: 'salesforce_sync' },
  'DELETE /api/v1/integrations/salesforce': { capability: 'salesforce_sync' },
  'GET /api/v1/integrations/salesforce/status': { capability: 'salesforce_sync' },
  'POST /api/v1/integrations/salesforce/sync': { capability: 'salesforce_sync' },
  'GET /api/v1/integrations/email/settings': { capability: 'email_tracking' },
  'PUT /api/v1/integrations/email/settings': { capability: 'email_tracking' },
}

/** Calls with an API key need this capability, whatever the route. */
export const API_KEY_CAPABILITY: Capability = 'api_keys'

const lookup = routeTable(ROUTE_RULES)

/** The rule for a request, if its route is gated. Pure. */
export function ruleFor(method: string, path: string): RouteRule | undefined {
  return lookup(method, path)
}
