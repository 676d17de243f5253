/**
 * Cross-site request forgery: a write that a browser sends with the session cookie must come
 * from the app's own pages. Browsers say where a request comes from (`Sec-Fetch-Site`, and
 * `Origin` on every non-GET request); a request that says neither is refused too, since a
 * cookie-carrying client that is not a browser can send `Origin`. API keys and webhooks carry no
 * cookie and are not affected. Pure.
 */

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export interface CsrfRequest {
  method: string
  path: string
  /** The request carries the session cookie. */
  hasSession: boolean
  /** The request authenticates with `Authorization: Bearer`. */
  hasBearer: boolean
  secFetchSite?: string
  origin?: string
  /** The app's origins: the request's own (`http://host`) and PUBLIC_URL's. */
  allowedOrigins: string[]
}

/** Why the request is refused, or null to let it through. */
export function csrfProblem(request: CsrfRequest): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null
  if (!request.path.startsWith('/api/') || request.path.startsWith('/api/webhooks/')) return null
  if (request.hasBearer) return null
  const site = request.secFetchSite?.toLowerCase()
  const originOk = request.origin !== undefined && request.allowedOrigins.includes(request.origin.replace(/\/$/, '').toLowerCase())
  // Signing in and up has no session yet: refuse only what a browser marks as cross-site (login CSRF).
  if (!request.hasSession) {
    if (site === 'cross-site' || site === 'same-site') return 'cross-site request refused'
    if (request.origin !== undefined && request.origin !== 'null' && !originOk) return 'cross-site request refused'
    return null
  }
  if (site !== undefined) return site === 'same-origin' || site === 'none' ? null : 'cross-site request refused'
  if (request.origin === undefined) return 'a request with the session cookie must say its Origin'
  return originOk ? null : 'cross-site request refused'
}
