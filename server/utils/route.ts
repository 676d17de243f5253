import type { z } from 'zod'
import type { Capability, LimitKey } from '../domain/billing/plans'
import type { ApiArea } from '../../shared/utils/apiScopes'

/**
 * What a route is, declared beside its handler as `export const meta = defineRoute({ … })`: its
 * OpenAPI entry (summary, tag, the zod schemas the handler validates with, the success status),
 * the plan gate the billing middleware enforces, and the body it takes. The route table
 * (`#route-meta`, built from the route files by modules/route-meta.ts) gathers them: adding a
 * route is adding its file.
 */
export interface RouteMeta {
  summary: string
  tag: string
  body?: z.ZodType
  query?: z.ZodType
  /** `multipart/form-data` for file uploads; JSON otherwise (the OpenAPI document's request body). */
  bodyType?: 'multipart/form-data'
  /** 201 for creates, 202 for work started, 204 for deletes; 200 otherwise. */
  status?: 200 | 201 | 202 | 204
  /** The plan capability the route needs (402 `capability_required` without it). */
  capability?: Capability
  /** The limit a create on this route counts against (402 `plan_limit` when it is reached). */
  limit?: LimitKey
  /** The API-key scope area, when not its tag's (shared/utils/apiScopes.ts). */
  area?: ApiArea
  /** The largest body it takes, when more than the default 1 MB. */
  maxBytes?: number
  /** The route streams its body itself (multipart to disk): only the declared length is checked. */
  streamed?: boolean
  /** The media types it takes, when not JSON only. */
  bodyTypes?: readonly string[]
}

/** A route's declaration (typed; see RouteMeta). */
export const defineRoute = (meta: RouteMeta): RouteMeta => meta

/** Bytes in a megabyte, for `maxBytes`. */
export const MB = 1024 * 1024
