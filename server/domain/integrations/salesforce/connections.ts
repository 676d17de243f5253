import { randomUUID } from 'node:crypto'
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm'
import { z } from 'zod'
import { SALESFORCE_AUTH_FLOWS, salesforceConnections, salesforceSyncState, type SalesforceAuthFlow } from '../../../../db/schema'
import type { Tx } from '../../core/db'
import { badRequest, notFound } from '../../core/errors'
import { loadStages } from '../../deals/records'
import { audit, type Actor } from '../../tenancy/audit'
import { seal, unseal } from '../../tenancy/secrets'
import { config } from '../../core/config'

/** Hosts a Salesforce org answers on (My Domain, sandboxes, government cloud). */
const SALESFORCE_HOST = /(^|\.)(salesforce\.com|force\.com|cloudforce\.com|salesforce\.mil|salesforce-setup\.com)$/i

/**
 * Only https URLs of Salesforce's own domains, so a connection cannot point the server at an
 * internal address. `SALESFORCE_ALLOW_INSECURE_URLS=1` (set by the test setup, for the local
 * Salesforce the tests run) lifts both rules.
 */
export function checkOrgUrl(value: string): string | null {
  let url: URL
  try {
    url = new URL(value)
  }
  catch {
    return 'a URL such as https://acme.my.salesforce.com'
  }
  if (config.salesforceAllowInsecureUrls() && /^https?:$/.test(url.protocol)) return null
  if (url.protocol !== 'https:') return 'must be an https URL'
  if (!SALESFORCE_HOST.test(url.hostname)) return 'must be a Salesforce domain (…my.salesforce.com)'
  return null
}

/**
 * Whether the `instance_url` of a token response may be called: the connection's own org or
 * login origin (checked when it was saved, so the local test org passes too), or else an https
 * URL of a Salesforce domain, like `checkOrgUrl` without the test allowance. The problem in
 * words, or null. Pure.
 */
export function checkInstanceUrl(value: string, configured: readonly string[]): string | null {
  let url: URL
  try {
    url = new URL(value)
  }
  catch {
    return 'not a URL'
  }
  if (url.username || url.password) return 'must not carry credentials'
  if (configured.some(c => URL.canParse(c) && new URL(c).origin === url.origin)) return null
  if (url.protocol !== 'https:') return 'must be an https URL'
  if (!SALESFORCE_HOST.test(url.hostname)) return 'must be a Salesforce domain (…my.salesforce.com)'
  return null
}

const OrgUrl = z.string().trim().max(300).superRefine((value, ctx) => {
  const problem = checkOrgUrl(value)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
}).transform(value => new URL(value).origin)
const Secret = z.string().trim().min(1, 'required').max(2000)

export const ConnectionSchema = z.object({
  instanceUrl: OrgUrl,
  loginUrl: OrgUrl.optional(),
  authFlow: z.enum(SALESFORCE_AUTH_FLOWS),
  clientId: z.string().trim().min(1, 'required').max(300),
  /** Optional when a connection exists: the stored one is kept. */
  clientSecret: Secret.optional(),
  refreshToken: Secret.optional(),
  intervalMinutes: z.number().int().min(5, 'at least 5 minutes').max(1440, 'at most a day').default(15),
  stageMap: z.record(z.string().trim().min(1).max(120), z.string().trim().min(1).max(64)).default({}),
}).strict()
export type ConnectionInput = z.output<typeof ConnectionSchema>

export interface ConnectionSecrets { clientSecret: string, refreshToken?: string, accessToken?: string }

type Row = typeof salesforceConnections.$inferSelect

/** What the API shows of a connection: everything but its secrets. */
export function publicConnection(row: Row) {
  const secrets = unseal<ConnectionSecrets>(row.secrets)
  return {
    instanceUrl: row.instanceUrl,
    loginUrl: row.loginUrl,
    authFlow: row.authFlow,
    clientId: row.clientId,
    hasClientSecret: Boolean(secrets.clientSecret),
    hasRefreshToken: Boolean(secrets.refreshToken),
    intervalMinutes: row.intervalMinutes,
    stageMap: row.stageMap,
    status: row.status,
    needsReauth: row.status === 'needs_reauth',
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

export async function loadConnection(tx: Tx, tenantId: string): Promise<Row | null> {
  const [row] = await tx.select().from(salesforceConnections).where(eq(salesforceConnections.tenantId, tenantId))
  return row ?? null
}

export async function requireConnection(tx: Tx, tenantId: string): Promise<Row> {
  const row = await loadConnection(tx, tenantId)
  if (!row) throw notFound('salesforce connection')
  return row
}

/**
 * Connects the tenant's org, or changes the connection. Secrets left out are kept; new
 * credentials drop the stored access token and clear a needs-reauth state. Another org
 * (instance URL) starts the sync over from the beginning.
 */
export async function saveConnection(tx: Tx, actor: Actor & { userId: string }, input: ConnectionInput) {
  const existing = await loadConnection(tx, actor.tenantId)
  const before = existing ? unseal<ConnectionSecrets>(existing.secrets) : null
  const clientSecret = input.clientSecret ?? before?.clientSecret
  if (!clientSecret) throw badRequest('clientSecret', 'required')
  const flow: SalesforceAuthFlow = input.authFlow
  const refreshToken = flow === 'refresh_token' ? input.refreshToken ?? before?.refreshToken : undefined
  if (flow === 'refresh_token' && !refreshToken) throw badRequest('refreshToken', 'required for the refresh_token flow')
  const stageKeys = new Set((await loadStages(tx, actor.tenantId)).map(s => s.key))
  for (const [name, key] of Object.entries(input.stageMap)) {
    if (!stageKeys.has(key)) throw badRequest(`stageMap.${name}`, `no stage ${key} in this pipeline`)
  }
  const loginUrl = input.loginUrl ?? input.instanceUrl
  const sameOrg = existing?.instanceUrl === input.instanceUrl
  const sameCredentials = sameOrg && existing?.loginUrl === loginUrl && existing.clientId === input.clientId && existing.authFlow === flow
    && before?.clientSecret === clientSecret && before.refreshToken === refreshToken
  const secrets: ConnectionSecrets = { clientSecret, refreshToken, accessToken: sameCredentials ? before?.accessToken : undefined }
  const now = new Date()
  const values = {
    instanceUrl: input.instanceUrl, loginUrl, authFlow: flow, clientId: input.clientId, secrets: seal(secrets),
    intervalMinutes: input.intervalMinutes, stageMap: input.stageMap, updatedAt: now,
    ...(sameCredentials ? {} : { status: 'active' as const, lastError: null, lastErrorAt: null, nextRunAt: now }),
  }
  if (existing && !sameOrg) await tx.delete(salesforceSyncState).where(eq(salesforceSyncState.tenantId, actor.tenantId))
  const [row] = existing
    ? await tx.update(salesforceConnections).set(values).where(eq(salesforceConnections.tenantId, actor.tenantId)).returning()
    : await tx
        .insert(salesforceConnections)
        .values({ tenantId: actor.tenantId, ...values, nextRunAt: now, createdById: actor.userId, createdAt: now })
        .returning()
  await audit(tx, actor, 'integration.connected', {
    targetType: 'salesforce',
    metadata: { instanceUrl: input.instanceUrl, authFlow: flow, changed: Boolean(existing) },
  })
  return publicConnection(row!)
}

/** Removes the connection and its sync state; the records it brought in stay. */
export async function removeConnection(tx: Tx, actor: Actor) {
  const [gone] = await tx
    .delete(salesforceConnections)
    .where(eq(salesforceConnections.tenantId, actor.tenantId))
    .returning({ tenantId: salesforceConnections.tenantId })
  if (!gone) throw notFound('salesforce connection')
  await tx.delete(salesforceSyncState).where(eq(salesforceSyncState.tenantId, actor.tenantId))
  await audit(tx, actor, 'integration.disconnected', { targetType: 'salesforce' })
}

/** How long a sync holds its lease without renewing it (each committed page renews it). */
export const LEASE_MS = 5 * 60_000

/**
 * Takes the connection's lease: single-flight across processes. Answers the lease id, or null
 * when another run holds an unexpired lease. A run that died leaves a lease that expires.
 */
export async function takeLease(tx: Tx, tenantId: string, now: Date): Promise<string | null> {
  const owner = randomUUID()
  const [row] = await tx
    .update(salesforceConnections)
    .set({ leaseOwner: owner, leaseUntil: new Date(now.getTime() + LEASE_MS) })
    .where(
      and(
        eq(salesforceConnections.tenantId, tenantId),
        or(isNull(salesforceConnections.leaseUntil), lt(salesforceConnections.leaseUntil, now)),
      ),
    )
    .returning({ owner: salesforceConnections.leaseOwner })
  return row?.owner ?? null
}

/** Extends the lease; false when it was lost (expired and taken by another run). */
export async function renewLease(tx: Tx, tenantId: string, owner: string, now: Date): Promise<boolean> {
  const rows = await tx.update(salesforceConnections).set({ leaseUntil: new Date(now.getTime() + LEASE_MS) })
    .where(and(eq(salesforceConnections.tenantId, tenantId), eq(salesforceConnections.leaseOwner, owner)))
    .returning({ owner: salesforceConnections.leaseOwner })
  return rows.length > 0
}

export const leaseHeld = (row: Row, now: Date) => Boolean(row.leaseUntil && row.leaseUntil.getTime() > now.getTime())

/** The connections whose turn has come: active, and due. */
export const dueCondition = (now: Date) => and(eq(salesforceConnections.status, 'active'),
  or(isNull(salesforceConnections.nextRunAt), sql`${salesforceConnections.nextRunAt} <= ${now.toISOString()}::timestamptz`))
