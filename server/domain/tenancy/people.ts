import { and, asc, eq, gt, isNotNull, sql } from 'drizzle-orm'
import type { AppDatabase } from '../../../db/client'
import { teams, users, type Role } from '../../../db/schema'
import { withLookup, withTenant, type Tx } from '../core/db'
import { badRequest, conflict, notFound } from '../core/errors'
import { audit, type Actor } from './audit'
import { hashPassword } from './passwords'
import { randomToken, sha256 } from './secrets'
import { endUserSessionRows } from './sessions'
import { peopleChanged } from './tenants'

export const INVITE_DAYS = 7

/** `session_version + 1`: every session stamped with an older version ends. */
const nextSessionVersion = sql`${users.sessionVersion} + 1`

const publicUser = {
  id: users.id,
  name: users.name,
  email: users.email,
  role: users.role,
  teamId: users.teamId,
  active: users.active,
  invited: sql<boolean>`${users.passwordHash} is null`.as('invited'),
  /** Whether they sign in with TOTP (db/schema/mfa.ts), so admins can reset it. */
  mfaEnabled: sql<boolean>`exists (select 1 from user_mfa m
    where m.tenant_id = ${users.tenantId} and m.user_id = ${users.id} and m.enabled_at is not null)`.as('mfa_enabled'),
  lastLoginAt: users.lastLoginAt,
  createdAt: users.createdAt,
}

export function listUsers(tx: Tx, tenantId: string) {
  return tx.select(publicUser).from(users).where(eq(users.tenantId, tenantId)).orderBy(asc(users.name))
}

/** True when someone can already sign in with this email (in any tenant). */
export async function loginEmailTaken(db: AppDatabase, email: string) {
  const found = await withLookup(db, { loginEmail: email }, tx => tx.select({ id: users.id }).from(users)
    .where(and(eq(sql`lower(${users.email})`, email.toLowerCase()), isNotNull(users.passwordHash))).limit(1))
  return found.length > 0
}

async function assertTeam(tx: Tx, tenantId: string, teamId: string | null | undefined) {
  if (!teamId) return
  const [team] = await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, tenantId), eq(teams.id, teamId)))
  if (!team) throw badRequest('teamId', 'no such team')
}

/**
 * Invites a person: a user without a password and a one-time token, valid for a week, that
 * lets them choose one. Returns the token once; only its hash is stored.
 */
export async function inviteUser(tx: Tx, actor: Actor, input: { email: string, name: string, role: Role, teamId?: string | null }) {
  await assertTeam(tx, actor.tenantId, input.teamId)
  const [existing] = await tx.select({ id: users.id }).from(users)
    .where(and(eq(users.tenantId, actor.tenantId), eq(sql`lower(${users.email})`, input.email.toLowerCase())))
  if (existing) throw conflict('a user with this email already exists', { field: 'email' })
  const token = randomToken()
  const [user] = await tx.insert(users).values({
    tenantId: actor.tenantId, email: input.email.toLowerCase(), name: input.name, role: input.role, teamId: input.teamId ?? null,
    inviteTokenHash: sha256(token), inviteExpiresAt: new Date(Date.now() + INVITE_DAYS * 86_400_000),
  }).returning({ id: users.id })
  await audit(tx, actor, 'user.invited', { targetType: 'user', targetId: user!.id, metadata: { role: input.role } })
  await peopleChanged(tx, actor.tenantId)
  return { id: user!.id, token }
}

/** Sets the password of an invited user from their token; returns the user, now able to sign in. */
export async function acceptInvite(db: AppDatabase, token: string, password: string, ip: string | null) {
  const tokenHash = sha256(token)
  const [invited] = await withLookup(db, { inviteTokenHash: tokenHash }, tx => tx.select().from(users)
    .where(and(eq(users.inviteTokenHash, tokenHash), gt(users.inviteExpiresAt, new Date()), eq(users.active, true))))
  if (!invited) throw notFound('invitation')
  if (await loginEmailTaken(db, invited.email)) throw conflict('this email can already sign in elsewhere', { field: 'email' })
  const passwordHash = await hashPassword(password)
  return withTenant(db, invited.tenantId, async (tx) => {
    const [user] = await tx
      .update(users)
      .set({
        passwordHash,
        inviteTokenHash: null,
        inviteExpiresAt: null,
        lastLoginAt: new Date(),
        updatedAt: new Date(),
        sessionVersion: nextSessionVersion,
      })
      .where(and(eq(users.tenantId, invited.tenantId), eq(users.id, invited.id), eq(users.inviteTokenHash, tokenHash)))
      .returning()
    if (!user) throw notFound('invitation')
    await audit(tx, { tenantId: user.tenantId, userId: user.id, ip }, 'auth.invite_accepted', { targetType: 'user', targetId: user.id })
    await peopleChanged(tx, user.tenantId)
    return user
  })
}

/**
 * Ends every session of a user: their session version moves on, their session rows are ended,
 * and the bus tells every process to forget the cached caller.
 */
export async function endSessions(tx: Tx, tenantId: string, userId: string) {
  await tx.update(users).set({ sessionVersion: nextSessionVersion }).where(and(eq(users.tenantId, tenantId), eq(users.id, userId)))
  await endUserSessionRows(tx, tenantId, userId)
  await peopleChanged(tx, tenantId)
}

/** Admin: ends every session of a member of the tenant (404 for anyone else), audited. */
export async function endMemberSessions(tx: Tx, actor: Actor, userId: string) {
  const [user] = await tx.select({ id: users.id }).from(users).where(and(eq(users.tenantId, actor.tenantId), eq(users.id, userId)))
  if (!user) throw notFound('user')
  await endSessions(tx, actor.tenantId, userId)
  await audit(tx, actor, 'user.sessions_ended', { targetType: 'user', targetId: userId })
}

export interface UserPatch { role?: Role, teamId?: string | null, active?: boolean, name?: string }

/**
 * Changes a user's role, team or active flag. A deactivated or re-roled user's sessions stop at
 * once (their session version moves on; every request re-reads it). The last active admin
 * cannot be demoted or deactivated — also not by two admins demoting each other at once: a
 * change of role or active flag first locks the tenant's active admins (in one order, so two
 * such changes queue instead of deadlocking), and counts them after the lock.
 */
export async function updateUser(tx: Tx, actor: Actor, userId: string, patch: UserPatch) {
  const mayLoseAdmin = (patch.role !== undefined && patch.role !== 'admin') || patch.active === false
  const admins = mayLoseAdmin
    ? await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.tenantId, actor.tenantId), eq(users.role, 'admin'), eq(users.active, true)))
        .orderBy(asc(users.id))
        .for('update')
    : []
  const [before] = await tx.select().from(users).where(and(eq(users.tenantId, actor.tenantId), eq(users.id, userId))).for('update')
  if (!before) throw notFound('user')
  await assertTeam(tx, actor.tenantId, patch.teamId)
  const losesAdmin = mayLoseAdmin && before.role === 'admin' && before.active
  if (losesAdmin && admins.length <= 1)
    throw conflict('a tenant needs at least one active admin', { field: patch.active === false ? 'active' : 'role' })
  const endsSessions
    = (patch.role !== undefined && patch.role !== before.role) || (patch.active !== undefined && patch.active !== before.active)
  const [after] = await tx
    .update(users)
    .set({ ...patch, updatedAt: new Date(), ...(endsSessions ? { sessionVersion: nextSessionVersion } : {}) })
    .where(and(eq(users.tenantId, actor.tenantId), eq(users.id, userId)))
    .returning()
  if (endsSessions) await endUserSessionRows(tx, actor.tenantId, userId)
  const target = { targetType: 'user', targetId: userId }
  if (patch.role && patch.role !== before.role)
    await audit(tx, actor, 'user.role_changed', { ...target, metadata: { from: before.role, to: patch.role } })
  if (patch.teamId !== undefined && patch.teamId !== before.teamId)
    await audit(tx, actor, 'user.team_changed', { ...target, metadata: { from: before.teamId, to: patch.teamId } })
  if (patch.active !== undefined && patch.active !== before.active)
    await audit(tx, actor, patch.active ? 'user.reactivated' : 'user.deactivated', target)
  await peopleChanged(tx, actor.tenantId)
  return after!
}
