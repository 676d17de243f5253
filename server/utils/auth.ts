import type { H3Event } from 'h3'
import { and, eq } from 'drizzle-orm'
import { tenants, users, type Role } from '../../db/schema'
import { withAccess, withTenant, type Access, type Tx } from '../domain/core/db'
import { accessFor } from '../domain/tenancy/access'
import { countKeyCall, findApiKey, keyIsLive } from '../domain/tenancy/apiKeys'
import type { Actor } from '../domain/tenancy/audit'
import { sessionIsCurrent } from '../domain/tenancy/sessionPolicy'
import { createSessionRow, endSessionRow, sessionRowIsLive } from '../domain/tenancy/sessions'
import { busCache } from './busCache'
import { badRequest } from '../domain/core/errors'
import { config } from '../domain/core/config'

export interface AuthContext {
  tenantId: string
  userId: string
  role: Role
  teamId: string | null
  /** Set when the caller is an integration using an API key. */
  apiKeyId: string | null
  /** The key's scopes (shared/utils/apiScopes.ts; the auth middleware checks them per route); null for a session. */
  apiKeyScopes: readonly string[] | null
  /** What this caller may see; every query of the request runs under it. */
  access: Access
  /** A session's stamp (sign-in time and session version), to re-check it later (the live stream does); null for a key. */
  session: { loggedInAt: string, sessionVersion: number, sessionId: string } | null
}

declare module 'h3' {
  interface H3EventContext {
    auth?: AuthContext
  }
}

const unauthorized = () => createError({ statusCode: 401, statusMessage: 'not signed in' })

/** The caller's address, for rate limits and the audit log (X-Forwarded-For only behind a trusted proxy). */
export const clientIp = (event: H3Event) => getRequestIP(event, { xForwardedFor: config.trustProxy() }) ?? null

async function loadCaller(tx: Tx, tenantId: string, userId: string) {
  const [user] = await tx
    .select({
      id: users.id,
      tenantId: users.tenantId,
      role: users.role,
      teamId: users.teamId,
      active: users.active,
      sessionVersion: users.sessionVersion,
    })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)))
    .limit(1)
  if (!user?.active) return null
  return { user, access: await accessFor(tx, user) }
}

type KeyRow = { id: string, tenantId: string, createdById: string, scopes: string[], ratePerMinute?: number | null }

/**
 * A key acts with its creator's rights as they are now (role and what they see, read from the
 * database at every request: keys go through no cache), within its scopes, and not at all once
 * its creator is deactivated. Revoked and expired keys are not found. With `count`, the call is
 * counted against the key's rate (committed even when it is over: a flood stays refused) and
 * `wait` says how long an over-rate caller must wait.
 */
async function keyCaller(key: KeyRow, count: boolean): Promise<{ auth: AuthContext, wait: number } | null> {
  return withTenant(await useDb(), key.tenantId, async (tx) => {
    const caller = await loadCaller(tx, key.tenantId, key.createdById)
    if (!caller) return null
    const rated = { tenantId: key.tenantId, id: key.id, ratePerMinute: key.ratePerMinute ?? null }
    const wait = count ? await countKeyCall(tx, rated, config.apiKeyRatePerMinute()) : 0
    const auth: AuthContext = {
      tenantId: key.tenantId,
      userId: key.createdById,
      role: caller.user.role,
      teamId: caller.user.teamId,
      apiKeyId: key.id,
      apiKeyScopes: key.scopes,
      access: caller.access,
      session: null,
    }
    return { auth, wait }
  })
}

/** API keys call the /api/v1 routes; sign-in, account and second-factor routes need a person. Over its rate: 429. */
async function fromApiKey(event: H3Event, token: string): Promise<AuthContext | null> {
  const key = await findApiKey(await useDb(), token)
  if (!key) return null
  if (!event.path.startsWith('/api/v1/')) throw createError({ statusCode: 403, statusMessage: 'API keys call /api/v1 routes only' })
  const called = await keyCaller(key, true)
  if (called && called.wait > 0) {
    setResponseHeader(event, 'Retry-After', called.wait)
    throw createError({ statusCode: 429, statusMessage: 'this API key is over its rate: try again later' })
  }
  return called?.auth ?? null
}

type Caller = NonNullable<Awaited<ReturnType<typeof loadCaller>>>

/**
 * Signed-in callers (role, team, active flag and what they see) kept for a few seconds. Every
 * change to who sees what publishes `people.changed` on the bus (tenancy/people.ts, tenants.ts),
 * which forgets the tenant's callers in every process — in the one that made the change at its
 * commit, before it answers: a deactivated user's next request is refused.
 */
const callers = busCache<Caller | null>({
  ttlMs: 10_000, maxEntries: 5000,
  forgets: message => message.topic === 'people.changed' && 'tenant',
  keep: caller => caller !== null,
})

/**
 * The caller of one session: null when the user is gone or inactive, or the session's row
 * (user_sessions) is ended or missing. Ending a session publishes `people.changed`, so no process
 * keeps serving it from the cache. A miss touches the row's `last_seen_at` (at most once a minute).
 */
async function sessionCaller(tenantId: string, userId: string, sessionId: string, ip: string | null): Promise<Caller | null> {
  const { value } = await callers.through(`${tenantId}|${userId}|${sessionId}`, tenantId, async () =>
    withTenant(await useDb(), tenantId, async (tx) => {
      if (!await sessionRowIsLive(tx, tenantId, userId, sessionId, ip)) return null
      return loadCaller(tx, tenantId, userId)
    }))
  return value
}

type Stamp = NonNullable<AuthContext['session']>

const stampOf = (session: { loggedInAt?: unknown, secure?: { sessionVersion?: unknown, sessionId?: unknown } }) => ({
  loggedInAt: session.loggedInAt,
  sessionVersion: session.secure?.sessionVersion,
  sessionId: session.secure?.sessionId,
})

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const sessionIdOf = (stamp: { sessionId?: unknown }) =>
  typeof stamp.sessionId === 'string' && UUID.test(stamp.sessionId) ? stamp.sessionId : null

async function fromSession(event: H3Event): Promise<AuthContext | null> {
  const session = await getUserSession(event)
  if (!session.user) return null
  const { tenantId, id } = session.user
  const stamp = stampOf(session)
  const sessionId = sessionIdOf(stamp)
  const caller = sessionId ? await sessionCaller(tenantId, id, sessionId, clientIp(event)) : null
  if (!caller || !sessionIsCurrent(stamp, caller.user, new Date())) {
    // Deactivated, removed, signed out, changed or too old: the session ends now, not when the cookie expires.
    await clearUserSession(event)
    return null
  }
  return {
    tenantId,
    userId: id,
    role: caller.user.role,
    teamId: caller.user.teamId,
    apiKeyId: null,
    apiKeyScopes: null,
    access: caller.access,
    session: stamp as Stamp,
  }
}

/**
 * The caller again, read afresh from the database (no cache): null once a session's user is
 * deactivated, signed out or changed role (their session version moved) or the session is too
 * old, or a key's creator is deactivated or the key revoked. For what outlives a request (the
 * live stream).
 */
export async function recheckCaller(auth: AuthContext): Promise<AuthContext | null> {
  const db = await useDb()
  if (auth.apiKeyId) {
    const key = await withTenant(db, auth.tenantId, tx => keyIsLive(tx, auth.tenantId, auth.apiKeyId!))
    return key ? (await keyCaller(key, false))?.auth ?? null : null
  }
  if (!auth.session) return null
  const session = auth.session
  const caller = await withTenant(db, auth.tenantId, async tx =>
    await sessionRowIsLive(tx, auth.tenantId, auth.userId, session.sessionId, null, false)
      ? loadCaller(tx, auth.tenantId, auth.userId)
      : null)
  if (!caller || !sessionIsCurrent(auth.session, caller.user, new Date())) return null
  return { ...auth, role: caller.user.role, teamId: caller.user.teamId, access: caller.access }
}

/**
 * Ends the session of `session` (sign-out): its row is ended, so the cookie — and any copy of
 * it — is refused from now on, in every process. The user's other sessions go on.
 */
export async function endSessionsOf(session: {
  user?: { tenantId: string, id: string }
  loggedInAt?: unknown
  secure?: { sessionVersion?: unknown, sessionId?: unknown }
}) {
  const user = session.user
  const sessionId = sessionIdOf(stampOf(session))
  if (!user || !sessionId) return
  await withTenant(await useDb(), user.tenantId, tx => endSessionRow(tx, user.tenantId, sessionId))
}

/**
 * The session cookie for a user who just proved who they are: a fresh one (no session fixation),
 * stamped with their session version and naming its new server-side row (user_sessions: device,
 * address, last seen), which "My account" lists and ends.
 */
export async function startSession(
  event: H3Event,
  user: { id: string, tenantId: string, name: string, email: string, role: Role, teamId: string | null, sessionVersion: number },
) {
  const sessionUser = { id: user.id, tenantId: user.tenantId, name: user.name, email: user.email, role: user.role, teamId: user.teamId }
  const sessionId = await withTenant(await useDb(), user.tenantId, tx => createSessionRow(tx, {
    tenantId: user.tenantId, userId: user.id, ip: clientIp(event), userAgent: getHeader(event, 'user-agent') ?? null,
  }))
  await replaceUserSession(event, {
    user: sessionUser,
    loggedInAt: new Date().toISOString(),
    secure: { sessionVersion: user.sessionVersion, sessionId },
  })
  return sessionUser
}

/** Whether the request's session cookie names a session that still goes on (for the pages' session read). */
export async function sessionStillGood(event: H3Event): Promise<boolean> {
  return Boolean(event.context.auth ?? await fromSession(event))
}

/**
 * The caller — an `Authorization: Bearer` API key or the session cookie — or 401. Role, team and
 * the active flag come from the database (for a session, through the caller cache above, which
 * every change forgets), so changes apply at once.
 */
export async function requireAuth(event: H3Event): Promise<AuthContext> {
  if (event.context.auth) return event.context.auth
  const header = getHeader(event, 'authorization')
  const auth = header?.startsWith('Bearer ') ? await fromApiKey(event, header.slice(7).trim()) : await fromSession(event)
  if (!auth) throw unauthorized()
  event.context.auth = auth
  return auth
}

/** 403 unless the caller has one of these roles. */
export async function requireRole(event: H3Event, ...roles: Role[]): Promise<AuthContext> {
  const auth = await requireAuth(event)
  if (!roles.includes(auth.role)) throw createError({ statusCode: 403, statusMessage: `only ${roles.join(' or ')} may do this` })
  return auth
}

/**
 * 403 unless a signed-in admin (not an API key) calls: managing people, keys and the audit log
 * needs a person, so a leaked integration key cannot mint more keys or invite itself in.
 */
export async function requireAdminUser(event: H3Event): Promise<AuthContext> {
  const auth = await requireRole(event, 'admin')
  if (auth.apiKeyId) throw createError({ statusCode: 403, statusMessage: 'an API key cannot manage people, keys or the audit log' })
  return auth
}

/** 403 unless a person signed in with a session calls (not an API key): their own sessions and password. */
export async function requireSignedInUser(event: H3Event): Promise<AuthContext & { session: NonNullable<AuthContext['session']> }> {
  const auth = await requireAuth(event)
  if (!auth.session) throw createError({ statusCode: 403, statusMessage: 'only a signed-in person may do this, not an API key' })
  return auth as AuthContext & { session: NonNullable<AuthContext['session']> }
}

/** Runs `fn` with the database as the caller may see it (tenant and role visibility, by RLS). */
export async function scoped<T>(event: H3Event, fn: (tx: Tx, auth: AuthContext) => Promise<T>): Promise<T> {
  const auth = await requireAuth(event)
  return withAccess(await useDb(), auth.access, tx => fn(tx, auth))
}

/**
 * 400 unless the caller may give a record to `ownerId`: anyone in the tenant for admins, the
 * people they see for managers (their team), themselves for reps.
 */
export function assertMayAssign(auth: AuthContext, ownerId: string | undefined) {
  if (!ownerId || auth.access.scope === 'tenant' || auth.access.ownerIds.includes(ownerId)) return
  throw badRequest('ownerId', auth.role === 'rep' ? 'reps own the records they create' : 'not a member of your team')
}

/** The caller as saved views know them: person, team, and whether they see the whole tenant. */
export function viewerOf(auth: AuthContext) {
  return { tenantId: auth.tenantId, userId: auth.userId, teamId: auth.teamId, admin: auth.role === 'admin' }
}

/** The caller as the domain's audit trail names them. */
export function actorOf(event: H3Event, auth: AuthContext): Actor & { userId: string } {
  return { tenantId: auth.tenantId, userId: auth.userId, apiKeyId: auth.apiKeyId, ip: clientIp(event) }
}

export async function loadMe(auth: AuthContext) {
  return withTenant(await useDb(), auth.tenantId, async (tx) => {
    const [row] = await tx.select({
      user: { id: users.id, name: users.name, email: users.email, role: users.role, teamId: users.teamId },
      tenant: { id: tenants.id, name: tenants.name, plan: tenants.plan },
    }).from(users).innerJoin(tenants, eq(tenants.id, users.tenantId))
      .where(and(eq(users.tenantId, auth.tenantId), eq(users.id, auth.userId)))
    return row!
  })
}
