import routes from '#route-meta'
import { checkBodyAs, DEFAULT_BODY_LIMIT, type BodyLimit } from '../domain/security/body'
import { routeTable } from '../domain/core/routeTable'
import type { RouteMeta } from '../utils/route'

/**
 * The route table: every route's meta, declared beside its handler (`export const meta =
 * defineRoute({ … })`, see server/utils/route.ts) and gathered by modules/route-meta.ts. The
 * OpenAPI document, the plan gates (billing/routes.ts) and the body limits all read it.
 */
export const ROUTES: Readonly<Record<string, RouteMeta>> = routes

/** Every /api/v1 route: the OpenAPI document's (a test fails for a route file that declares none). */
export const API_ROUTES: Readonly<Record<string, RouteMeta>> = Object.fromEntries(
  Object.entries(routes).filter(([route]) => route.split(' ')[1]!.startsWith('/api/v1/')),
)

/** The meta of a request's route (`METHOD`, the concrete path), if it declares one. */
export const routeMetaFor = routeTable(routes)

/** How large a body the request's route takes. */
export function bodyLimitFor(method: string, path: string): BodyLimit {
  const meta = routeMetaFor(method, path)
  return meta?.maxBytes ? { maxBytes: meta.maxBytes, ...(meta.streamed ? { streamed: true } : {}) } : DEFAULT_BODY_LIMIT
}

/** The media-type and JSON checks of a body sent to the request's route (see checkBodyAs). */
export const checkBody = (method: string, path: string, contentType: string, raw: Uint8Array) =>
  checkBodyAs(routeMetaFor(method, path)?.bodyTypes, contentType, raw)
