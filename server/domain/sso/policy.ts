import type { Role } from '../../../db/schema'
import type { SsoError } from '../../../shared/utils/sso'

/** A DNS name of two labels or more (letters, digits, hyphens; no leading or trailing hyphen), lower-cased. */
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/

/** The domain in words when it is not one, else null. Pure. */
export function domainProblem(domain: string): string | null {
  return DOMAIN.test(domain) ? null : 'not an email domain such as example.com'
}

/** Lower-cased, trimmed, without a leading `@`, each once, in order. Pure. */
export function normalizeDomains(domains: readonly string[]): string[] {
  return [...new Set(domains.map(d => d.trim().toLowerCase().replace(/^@/, '')))]
}

/** The domain of an email address, lower-cased, or null. Pure. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf('@')
  if (at < 1 || at === email.length - 1) return null
  return email.slice(at + 1).trim().toLowerCase()
}

/** The tenant's single sign-on as sign-in sees it. */
export interface SsoPolicy { ssoOnly: boolean }

/**
 * Whether a member may sign in (or reset) with a password: always, unless the tenant is "SSO
 * only" — then only its admins, who keep a break-glass password for when the provider is down
 * or misconfigured. Pure.
 */
export function passwordAllowed(policy: SsoPolicy | null, role: Role): boolean {
  return !policy?.ssoOnly || role === 'admin'
}

/** What the provider said about the person (ID token claims, completed from userinfo). */
export interface SsoClaims {
  email?: unknown
  email_verified?: unknown
  name?: unknown
  given_name?: unknown
  family_name?: unknown
}

export interface SsoMember { id: string, active: boolean }

export type SignInDecision<U extends SsoMember>
  = | { kind: 'existing', user: U }
    | { kind: 'create', email: string, name: string, role: Role }
    | { kind: 'refuse', reason: SsoError }

/** The email the claims give, lower-cased, or null. Pure. */
export function claimedEmail(claims: SsoClaims): string | null {
  return typeof claims.email === 'string' && emailDomain(claims.email) ? claims.email.trim().toLowerCase() : null
}

/** A display name from the claims: `name`, else given and family names, else the email's local part. Pure. */
export function claimedName(claims: SsoClaims, email: string): string {
  const clean = (v: unknown) => (typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : '')
  const name = clean(claims.name) || [clean(claims.given_name), clean(claims.family_name)].filter(Boolean).join(' ')
  return (name || email.slice(0, email.indexOf('@'))).slice(0, 200)
}

/**
 * Who a verified sign-in is, within the tenant whose provider answered: the member with that
 * email (`found`, looked up in that tenant only), a new rep when just-in-time provisioning is on,
 * or a refusal — an email the provider has not verified (`email_verified` must be true), no
 * account and no provisioning, a deactivated member. Pure.
 */
export function decideSignIn<U extends SsoMember>(
  claims: SsoClaims,
  found: U | null,
  provider: { jitProvisioning: boolean },
): SignInDecision<U> {
  const email = claimedEmail(claims)
  if (!email) return { kind: 'refuse', reason: 'no_email' }
  if (claims.email_verified !== true) return { kind: 'refuse', reason: 'email_not_verified' }
  if (found) return found.active ? { kind: 'existing', user: found } : { kind: 'refuse', reason: 'deactivated' }
  if (!provider.jitProvisioning) return { kind: 'refuse', reason: 'not_provisioned' }
  return { kind: 'create', email, name: claimedName(claims, email), role: 'rep' }
}

/** A path to return to after sign-in: a local path only (no `//host`, no scheme), else null. Pure. */
export function safeRedirect(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return null
  if (value.length > 500 || [...value].some(c => c.charCodeAt(0) < 32)) return null
  return value
}
