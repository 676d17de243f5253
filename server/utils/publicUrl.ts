import type { H3Event } from 'h3'

/** The app's public origin, for URLs given to other services: PUBLIC_URL, else the request's own. */
export function publicOrigin(event: H3Event) {
  const configured = process.env.PUBLIC_URL?.replace(/\/+$/, '')
  if (configured) return configured
  const trust = process.env.TRUST_PROXY === '1'
  return getRequestURL(event, { xForwardedHost: trust, xForwardedProto: trust }).origin
}
