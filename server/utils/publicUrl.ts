import type { H3Event } from 'h3'
import { config } from '../domain/core/config'

/** The app's public origin, for URLs given to other services: PUBLIC_URL, else the request's own. */
export function publicOrigin(event: H3Event) {
  const configured = config.publicUrl()
  if (configured) return configured
  const trust = config.trustProxy()
  return getRequestURL(event, { xForwardedHost: trust, xForwardedProto: trust }).origin
}
