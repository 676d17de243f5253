import { ROUTES } from '../../openapi/routes'
import { routeTable } from '../core/routeTable'
import type { Capability, LimitKey } from './plans'

export interface RouteRule {
  /** The plan capability the route needs (402 `capability_required` without it). */
  capability?: Capability
  /** The limit a create on this route counts against (402 `plan_limit` when it is reached). */
  limit?: LimitKey
}

/**
 * Every /api/v1 route that a plan gates, as its meta declares it (`capability`, `limit` in
 * defineRoute). Routes without either are in every plan. The billing middleware
 * (server/middleware/02.capabilities.ts) enforces this table.
 */
export const ROUTE_RULES: Readonly<Record<string, RouteRule>> = Object.fromEntries(
  Object.entries(ROUTES)
    .filter(([, meta]) => meta.capability || meta.limit)
    .map(([route, meta]) => [
      route,
      { ...(meta.capability ? { capability: meta.capability } : {}), ...(meta.limit ? { limit: meta.limit } : {}) },
    ]),
)

/** Calls with an API key need this capability, whatever the route. */
export const API_KEY_CAPABILITY: Capability = 'api_keys'

const lookup = routeTable(ROUTE_RULES)

/** The rule for a request, if its route is gated. Pure. */
export function ruleFor(method: string, path: string): RouteRule | undefined {
  return lookup(method, path)
}
