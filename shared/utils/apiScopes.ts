/**
 * What an API key may do: scopes `read` and `write` (every area) or `<area>:read` and
 * `<area>:write` (one area). Writing includes reading. Each /api/v1 route belongs to one area
 * (its meta's `area`, else its tag's) and needs read for GET and HEAD, write for anything
 * else. Pure, shared with the settings page; server/middleware/01.auth.ts enforces it for every
 * request a key makes.
 */

export const API_AREAS = ['deals', 'contacts', 'events', 'admin'] as const
export type ApiArea = (typeof API_AREAS)[number]
export type ApiAccess = 'read' | 'write'
export type ApiScope = ApiAccess | `${ApiArea}:${ApiAccess}`

export const API_SCOPES: readonly ApiScope[] = [
  'read', 'write',
  ...API_AREAS.flatMap(area => [`${area}:read`, `${area}:write`] as const),
]

/** The area of each route tag; a route may name another with `area` in its meta. */
export const TAG_AREAS: Readonly<Record<string, ApiArea>> = {
  'Deals': 'deals',
  'Pipeline': 'deals',
  'Forecast': 'deals',
  'Momentum': 'deals',
  'Work': 'deals',
  'Views': 'deals',
  'Search': 'deals',
  'Reports': 'deals',
  'Accounts': 'contacts',
  'Contacts': 'contacts',
  'Leads': 'contacts',
  'Events': 'events',
  'People': 'admin',
  'Billing': 'admin',
  'Integrations': 'admin',
  'Automation': 'admin',
  'Import': 'admin',
  'Export': 'admin',
  'Operations': 'admin',
  'Custom fields': 'admin',
  'Settings': 'admin',
  // A person's own sessions: keys are refused there anyway (requireSignedInUser).
  'Account': 'admin',
}

export interface ScopeNeed { area: ApiArea, access: ApiAccess }

const READ_METHODS = new Set(['GET', 'HEAD'])

/** The scope a request needs: the route's area, read for GET and HEAD, write otherwise. Null for a tag no area claims. */
export function scopeNeeded(meta: { tag: string, area?: ApiArea }, method: string): ScopeNeed | null {
  const area = meta.area ?? TAG_AREAS[meta.tag]
  if (!area) return null
  return { area, access: READ_METHODS.has(method.toUpperCase()) ? 'read' : 'write' }
}

/** Whether a key's scopes grant what a request needs (write includes read; a bare scope covers every area). */
export function scopesGrant(scopes: readonly string[], need: ScopeNeed): boolean {
  const accesses: ApiAccess[] = need.access === 'read' ? ['read', 'write'] : ['write']
  return accesses.some(access => scopes.includes(access) || scopes.includes(`${need.area}:${access}`))
}

/** The scope named in words, for a 403's message: `deals:write`. */
export const scopeName = (need: ScopeNeed): ApiScope => `${need.area}:${need.access}`

/** A key's scopes in a stable, minimal order (duplicates dropped; an area scope a bare one covers dropped). */
export function normalizeScopes(scopes: readonly ApiScope[]): ApiScope[] {
  const set = new Set(scopes)
  if (set.has('write')) set.delete('read')
  return API_SCOPES.filter((scope) => {
    if (!set.has(scope)) return false
    const [area, access] = scope.split(':') as [ApiArea, ApiAccess | undefined]
    if (!access) return true
    if (set.has('write') || (access === 'read' && (set.has('read') || set.has(`${area}:write`)))) return false
    return true
  })
}

/** Seconds a key must wait in a fixed one-minute window after `count` calls, or 0. Pure. */
export function rateRetryAfter(count: number, ratePerMinute: number, windowStart: Date, now: Date): number {
  if (count <= ratePerMinute) return 0
  return Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now.getTime()) / 1000))
}

export const AREA_LABELS: Readonly<Record<ApiArea, string>> = {
  deals: 'Deals',
  contacts: 'Contacts',
  events: 'Events',
  admin: 'Admin',
}

/** What each area covers, in words (the settings page says it beside each choice). */
export const AREA_HINTS: Readonly<Record<ApiArea, string>> = {
  deals: 'deals, pipeline, forecast, momentum, tasks, views, search, reports',
  contacts: 'accounts, contacts, leads',
  events: 'events and activities',
  admin: 'people, billing, integrations, single sign-on, automation, imports, exports, custom fields',
}

/** Per area: no access, read, or read and write. */
export type AreaAccess = 'none' | ApiAccess

/** The scopes of a choice per area (every area alike: the bare `read` or `write`). */
export function scopesOfChoice(choice: Readonly<Record<ApiArea, AreaAccess>>): ApiScope[] {
  const accesses = API_AREAS.map(area => choice[area])
  if (accesses.every(a => a === accesses[0]) && accesses[0] !== 'none') return [accesses[0]!]
  return API_AREAS.flatMap(area => (choice[area] === 'none' ? [] : [`${area}:${choice[area]}` as ApiScope]))
}

/** A key's scopes in words: "Read and write, every area" or "Deals: read and write · Events: read". */
export function describeScopes(scopes: readonly string[]): string {
  const word = (access: ApiAccess) => (access === 'write' ? 'read and write' : 'read')
  if (scopes.includes('write')) return 'Read and write, every area'
  const areas = API_AREAS.flatMap((area) => {
    const reads = scopes.includes(`${area}:read`) || scopes.includes('read')
    const access: AreaAccess = scopes.includes(`${area}:write`) ? 'write' : reads ? 'read' : 'none'
    return access === 'none' ? [] : [`${AREA_LABELS[area]}: ${word(access)}`]
  })
  if (scopes.includes('read') && areas.every(a => a.endsWith(': read'))) return 'Read, every area'
  return areas.join(' · ') || 'No access'
}
