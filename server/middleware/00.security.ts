import { API_CSP, securityHeaders } from '../domain/security/headers'
import { csrfProblem } from '../domain/security/csrf'
import { WebhookLimiter, webhookLimits } from '../domain/security/rateLimit'
import { config } from '../domain/core/config'

const webhooks = new WebhookLimiter(webhookLimits(config.webhookRateLimit()))

function allowedOrigins(event: Parameters<typeof getRequestURL>[0]): string[] {
  const origins = [getRequestURL(event).origin]
  const publicUrl = config.publicUrl()
  if (publicUrl) {
    try {
      origins.push(new URL(publicUrl).origin)
    }
    catch { /* not a URL: ignored */ }
  }
  return origins.map(o => o.toLowerCase())
}

function tooMany(event: Parameters<typeof setResponseHeader>[0], seconds: number) {
  setResponseHeader(event, 'Retry-After', seconds)
  return createError({ statusCode: 429, statusMessage: 'too many webhook requests: try again later', data: { retryAfter: seconds } })
}

/**
 * 0. Before anything else: security headers on every answer (pages get their CSP with a nonce
 * from server/plugins/security.ts), CSRF refusal (403) of cookie-authenticated writes from other
 * sites, and rate limits (429 with Retry-After) on the public webhooks per connection and per address and
 * webhook kind.
 */
export default defineEventHandler((event) => {
  const https = getRequestProtocol(event, { xForwardedProto: config.trustProxy() }) === 'https'
  setResponseHeaders(event, securityHeaders({ https }))
  if (!event.path.startsWith('/api/')) return
  setResponseHeader(event, 'Content-Security-Policy', API_CSP)

  const problem = csrfProblem({
    method: event.method,
    path: event.path,
    hasSession: Boolean(getCookie(event, 'nuxt-session')),
    hasBearer: (getRequestHeader(event, 'authorization') ?? '').startsWith('Bearer '),
    secFetchSite: getRequestHeader(event, 'sec-fetch-site'),
    origin: getRequestHeader(event, 'origin'),
    allowedOrigins: allowedOrigins(event),
  })
  if (problem) throw createError({ statusCode: 403, statusMessage: problem, data: { error: 'csrf' } })

  if (event.path.startsWith('/api/webhooks/')) {
    const wait = webhooks.hit(event.path, clientIp(event) ?? 'unknown')
    if (wait > 0) throw tooMany(event, wait)
  }
})
