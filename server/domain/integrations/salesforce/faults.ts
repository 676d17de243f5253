/**
 * How the sync reads Salesforce's answers when they are not records: API usage, transient
 * failures worth a retry, grants that need an admin, and each error put in words. Pure.
 */

/** Daily API requests used and allowed, as `Sforce-Limit-Info: api-usage=N/M` reports them (jsforce reads the header into `limitInfo`). */
export interface ApiUsage { used: number, limit: number }

/** The `/limits` resource's DailyApiRequests as usage. */
export function usageFromLimits(body: unknown): ApiUsage | null {
  const daily = (body as { DailyApiRequests?: { Max?: unknown, Remaining?: unknown } } | null)?.DailyApiRequests
  if (typeof daily?.Max !== 'number' || typeof daily.Remaining !== 'number') return null
  return { used: daily.Max - daily.Remaining, limit: daily.Max }
}

/** Whether the sync should hold off: usage at or past `pauseAt` (a share of the daily limit). */
export const nearLimit = (usage: ApiUsage | null, pauseAt: number) =>
  Boolean(usage && usage.limit > 0 && usage.used / usage.limit >= pauseAt)

/** Exponential backoff: `base`, 2x`base`, 4x`base`… capped at `max`. */
export const backoffMs = (attempt: number, base: number, max = 30_000) => Math.min(max, base * 2 ** attempt)

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ENOTFOUND',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
])
/** Salesforce's error codes for its own failures (HTTP 500 / 503), and jsforce's for bodies it could not read. */
const SERVER_CODES = /^(UNKNOWN_EXCEPTION|SERVER_UNAVAILABLE|SERVER_ERROR|REQUEST_RUNNING_TOO_LONG|ERROR_HTTP_5\d\d)$/

interface ErrorLike { name?: string, message?: string, errorCode?: string, code?: string, cause?: unknown }
const fields = (error: unknown): ErrorLike => (error && typeof error === 'object' ? error as ErrorLike : { message: String(error) })

/** The network error code behind an error (undici wraps it in `cause`), if any. */
export function networkCode(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = fields(e).cause, depth++) {
    const code = fields(e).code
    if (code && NETWORK_CODES.has(code)) return code
  }
  return fields(error).name === 'TypeError' && /fetch failed/i.test(fields(error).message ?? '') ? 'ECONNRESET' : null
}

/** A 5xx or a network failure: worth another try after a pause. */
export function isTransient(error: unknown): boolean {
  const { errorCode, name } = fields(error)
  return SERVER_CODES.test(errorCode ?? name ?? '') || networkCode(error) !== null
}

/** The token endpoint refused the grant or the client: only an admin reconnecting can fix it. */
export function needsReauth(error: unknown): boolean {
  return ['invalid_grant', 'invalid_client', 'invalid_client_id', 'unauthorized_client', 'inactive_user', 'inactive_org'].includes(
    fields(error).name ?? '',
  )
}

/** A run stopped on purpose because Salesforce's daily API limit is near. */
export class ApiLimitPause extends Error {
  constructor(readonly usage: ApiUsage, readonly pauseAt: number) {
    super(
      `Paused: Salesforce API usage is at ${Math.round((usage.used / usage.limit) * 100)}% of the daily limit `
      + `(${usage.used.toLocaleString('en-US')} of ${usage.limit.toLocaleString('en-US')}); `
      + `the sync holds off from ${Math.round(pauseAt * 100)}% and tries again later.`,
    )
    this.name = 'ApiLimitPause'
  }
}

/** Salesforce kept refusing the session even after a fresh token. */
export class SessionRefused extends Error {
  constructor() {
    super('INVALID_SESSION_ID after a token refresh')
    this.name = 'INVALID_SESSION_ID'
  }
}

/** A token response named an instance URL the connection may not call: nothing is sent to it. */
export class InstanceUrlRefused extends Error {
  constructor(readonly instanceUrl: string, problem: string) {
    super(
      `Salesforce's token response named an instance URL that is not allowed (${hostOf(instanceUrl)}: ${problem}); `
      + 'nothing was sent to it. Check the connection\'s org and login URLs under Settings → Salesforce.',
    )
    this.name = 'InstanceUrlRefused'
  }
}

function hostOf(url: string) {
  try {
    return new URL(url).host
  }
  catch {
    return 'not a URL'
  }
}

/** The last error in words, for admins. Never includes a secret: only codes, hosts and Salesforce's own messages. */
export function describeError(error: unknown, context: { object?: string, host?: string, attempts?: number } = {}): string {
  const e = fields(error)
  const where = context.object ? ` while reading ${context.object}` : ''
  if (error instanceof ApiLimitPause || error instanceof InstanceUrlRefused) return error.message
  if (needsReauth(error)) {
    return `Salesforce refused this connection's credentials (${e.name}: ${e.message || 'no detail'}). `
      + 'An admin must reconnect it under Settings → Salesforce; until then it is not synced.'
  }
  if (error instanceof SessionRefused)
    return `Salesforce refused the session${where} even right after a token refresh. Check that the connected app's user may use the API.`
  const network = networkCode(error)
  if (network)
    return `Could not reach Salesforce${context.host ? ` at ${context.host}` : ''}${where} (${network})`
      + `${context.attempts ? ` after ${context.attempts} tries` : ''}. The next run resumes from the last committed page.`
  if (isTransient(error))
    return `Salesforce answered with a server error${where} (${e.errorCode ?? e.name}: ${(e.message ?? '').slice(0, 200)})`
      + `${context.attempts ? ` ${context.attempts} times` : ''}. The next run resumes from the last committed page.`
  if (e.errorCode === 'REQUEST_LIMIT_EXCEEDED') return `Salesforce's API limit is used up for today${where}. The sync tries again later.`
  if (e.errorCode) return `Salesforce refused a request${where} (${e.errorCode}: ${(e.message ?? '').slice(0, 300)}).`
  return `The sync failed${where}: ${(e.message ?? String(error)).slice(0, 300)}`
}
