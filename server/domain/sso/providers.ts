import { and, eq, notInArray, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { AppDatabase } from '../../../db/client'
import { ssoDomains, ssoProviders, users, type Role } from '../../../db/schema'
import { withLookup, withTenant, type Tx } from '../core/db'
import { badRequest, conflict } from '../core/errors'
import { audit, type Actor } from '../tenancy/audit'
import { seal, unseal } from '../tenancy/secrets'
import { peopleChanged } from '../tenancy/tenants'
import { issuerProblem, type ProviderCredentials } from './oidc'
import { decideSignIn, domainProblem, emailDomain, normalizeDomains, passwordAllowed, type SsoClaims, type SsoPolicy } from './policy'
import type { SsoError } from '../../../shared/utils/sso'

export const SsoSchema = z.object({
  issuer: z.string().trim().min(1, 'required').max(500).superRefine((value, ctx) => {
    const problem = issuerProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  }),
  clientId: z.string().trim().min(1, 'required').max(300),
  /** Optional once set: the stored one is kept. Sealed, never returned. */
  clientSecret: z.string().trim().min(1, 'required').max(2000).optional(),
  domains: z.array(z.string().max(253)).min(1, 'at least one domain').max(50).transform(normalizeDomains).superRefine((domains, ctx) => {
    domains.forEach((domain, i) => {
      const problem = domainProblem(domain)
      if (problem) ctx.addIssue({ code: 'custom', path: [i], message: problem })
    })
  }),
  jitProvisioning: z.boolean().default(false),
  ssoOnly: z.boolean().default(false),
}).strict()
export type SsoInput = z.output<typeof SsoSchema>

type Row = typeof ssoProviders.$inferSelect

export async function loadProvider(tx: Tx, tenantId: string): Promise<Row | null> {
  const [row] = await tx.select().from(ssoProviders).where(eq(ssoProviders.tenantId, tenantId))
  return row ?? null
}

async function loadDomains(tx: Tx, tenantId: string): Promise<string[]> {
  const rows = await tx.select({ domain: ssoDomains.domain }).from(ssoDomains)
    .where(eq(ssoDomains.tenantId, tenantId)).orderBy(ssoDomains.domain)
  return rows.map(r => r.domain)
}

export const credentialsOf = (row: Row): ProviderCredentials => ({
  issuer: row.issuer,
  clientId: row.clientId,
  clientSecret: unseal<{ clientSecret: string }>(row.secrets).clientSecret,
})

/** What the API shows of the tenant's single sign-on: never the secret, only that it is set. */
export async function publicSso(tx: Tx, tenantId: string) {
  const row = await loadProvider(tx, tenantId)
  if (!row) {
    return {
      configured: false, issuer: null, clientId: null, clientSecretSet: false, domains: [], jitProvisioning: false, ssoOnly: false,
      updatedAt: null,
    }
  }
  return {
    configured: true,
    issuer: row.issuer,
    clientId: row.clientId,
    clientSecretSet: Boolean(credentialsOf(row).clientSecret),
    domains: await loadDomains(tx, tenantId),
    jitProvisioning: row.jitProvisioning,
    ssoOnly: row.ssoOnly,
    updatedAt: row.updatedAt,
  }
}

/** The client secret a save will use: the new one, else the stored one; 400 when there is none. */
export async function secretFor(tx: Tx, tenantId: string, input: SsoInput): Promise<string> {
  const existing = await loadProvider(tx, tenantId)
  const secret = input.clientSecret ?? (existing ? credentialsOf(existing).clientSecret : undefined)
  if (!secret) throw badRequest('clientSecret', 'required')
  return secret
}

/**
 * Saves the tenant's provider (the issuer was checked by discovery before) and the domains it
 * covers. A domain is one tenant's: one another tenant claimed is 409 naming `domains` (and
 * which), and nothing is saved.
 */
export async function saveSso(tx: Tx, actor: Actor & { userId: string }, input: SsoInput, clientSecret: string) {
  const existing = await loadProvider(tx, actor.tenantId)
  const now = new Date()
  const values = {
    issuer: input.issuer, clientId: input.clientId, secrets: seal({ clientSecret }),
    jitProvisioning: input.jitProvisioning, ssoOnly: input.ssoOnly, updatedAt: now,
  }
  if (existing) await tx.update(ssoProviders).set(values).where(eq(ssoProviders.tenantId, actor.tenantId))
  else await tx.insert(ssoProviders).values({ tenantId: actor.tenantId, ...values, createdById: actor.userId, createdAt: now })

  await tx.delete(ssoDomains).where(and(eq(ssoDomains.tenantId, actor.tenantId), notInArray(ssoDomains.domain, input.domains)))
  const ours = new Set(await loadDomains(tx, actor.tenantId))
  const wanted = input.domains.filter(d => !ours.has(d))
  // Another tenant's domain is not visible here (row-level security), but its key still conflicts.
  const inserted = wanted.length
    ? await tx.insert(ssoDomains).values(wanted.map(domain => ({ domain, tenantId: actor.tenantId }))).onConflictDoNothing()
        .returning({ domain: ssoDomains.domain })
    : []
  const taken = wanted.filter(d => !inserted.some(i => i.domain === d))
  if (taken.length) {
    const which = `${taken.join(', ')} ${taken.length === 1 ? 'is' : 'are'}`
    throw conflict(`${which} used by another workspace's single sign-on`, { field: 'domains', domains: taken })
  }

  await audit(tx, actor, 'sso.configured', {
    targetType: 'sso',
    metadata: {
      issuer: input.issuer, clientId: input.clientId, domains: input.domains, jitProvisioning: input.jitProvisioning,
      ssoOnly: input.ssoOnly, secretChanged: input.clientSecret !== undefined, changed: Boolean(existing),
    },
  })
  return publicSso(tx, actor.tenantId)
}

/** The tenant whose single sign-on covers an email's domain, with its provider; null when none. */
export async function providerForEmail(db: AppDatabase, email: string): Promise<{ tenantId: string, row: Row } | null> {
  const domain = emailDomain(email)
  if (!domain) return null
  const [claim] = await withLookup(db, { ssoDomain: domain }, tx =>
    tx.select({ tenantId: ssoDomains.tenantId }).from(ssoDomains).where(eq(ssoDomains.domain, domain)))
  if (!claim) return null
  const row = await withTenant(db, claim.tenantId, tx => loadProvider(tx, claim.tenantId))
  return row ? { tenantId: claim.tenantId, row } : null
}

/** The tenant's single sign-on as password sign-in sees it (null: none configured). */
export async function ssoPolicy(tx: Tx, tenantId: string): Promise<SsoPolicy | null> {
  const row = await loadProvider(tx, tenantId)
  return row ? { ssoOnly: row.ssoOnly } : null
}

export type SsoSignIn
  = | { ok: true, user: typeof users.$inferSelect, created: boolean }
    | { ok: false, reason: SsoError }

/**
 * Signs in the person a verified ID token names, within `tenantId` only: the member with that
 * email in this tenant (never another tenant's), or a new rep (no password) when the tenant
 * provisions just in time and has a seat left. Audited either way.
 */
export async function signInWithClaims(
  tx: Tx,
  tenantId: string,
  claims: SsoClaims & { sub: string },
  options: { ip: string | null, seatLeft: () => Promise<boolean> },
): Promise<SsoSignIn> {
  const provider = await loadProvider(tx, tenantId)
  if (!provider) return { ok: false, reason: 'no_provider' }
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : ''
  const [found] = email
    ? await tx.select().from(users).where(and(eq(users.tenantId, tenantId), eq(sql`lower(${users.email})`, email))).limit(1)
    : []
  const decision = decideSignIn(claims, found ?? null, provider)
  const refuse = async (reason: SsoError, userId: string | null = null) => {
    await audit(tx, { tenantId, userId, ip: options.ip }, 'auth.sso_refused', { metadata: { reason, issuer: provider.issuer } })
    return { ok: false as const, reason }
  }
  if (decision.kind === 'refuse') return refuse(decision.reason, found?.id ?? null)
  let user = decision.kind === 'existing' ? decision.user : null
  if (decision.kind === 'create') {
    if (!await options.seatLeft()) return refuse('seat_limit')
    const [created] = await tx.insert(users)
      .values({ tenantId, email: decision.email, name: decision.name, role: decision.role }).returning()
    user = created!
    await audit(tx, { tenantId, userId: user.id, ip: options.ip }, 'user.provisioned', {
      targetType: 'user', targetId: user.id, metadata: { role: decision.role, via: 'sso' },
    })
    await peopleChanged(tx, tenantId)
  }
  await tx.update(users).set({ lastLoginAt: new Date() }).where(and(eq(users.tenantId, tenantId), eq(users.id, user!.id)))
  await audit(tx, { tenantId, userId: user!.id, ip: options.ip }, 'auth.sso_login', {
    targetType: 'user', targetId: user!.id, metadata: { issuer: provider.issuer, created: decision.kind === 'create' },
  })
  return { ok: true, user: user!, created: decision.kind === 'create' }
}

/**
 * Whether a member whose password just checked out may sign in with it: not when their tenant
 * is "SSO only", unless they are an admin (break-glass). A refusal is audited.
 */
export async function passwordSignInAllowed(
  db: AppDatabase,
  user: { tenantId: string, id: string, role: Role },
  ip: string | null,
): Promise<boolean> {
  return withTenant(db, user.tenantId, async (tx) => {
    if (passwordAllowed(await ssoPolicy(tx, user.tenantId), user.role)) return true
    await audit(tx, { tenantId: user.tenantId, userId: user.id, ip }, 'auth.password_refused', { metadata: { reason: 'sso_only' } })
    return false
  })
}
