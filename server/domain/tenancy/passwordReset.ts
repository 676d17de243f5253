import { and, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm'
import type { AppDatabase } from '../../../db/client'
import { passwordResets, users } from '../../../db/schema'
import { withLookup, withTenant, type Tx } from '../core/db'
import { badRequest } from '../core/errors'
import { passwordAllowed } from '../sso/policy'
import { ssoPolicy } from '../sso/providers'
import { audit, type Actor } from './audit'
import { hashPassword, verifyPassword } from './passwords'
import { randomToken, sha256 } from './secrets'
import { endUserSessionRows } from './sessions'
import { peopleChanged } from './tenants'
import type { ThrottlePolicy } from './throttle'

/** A reset link works for an hour, once. */
export const RESET_TTL_MS = 60 * 60_000

/** "Forgot password" per email: five requests in 15 minutes, then 15 minutes of 429 (every request counts). */
export const FORGOT_EMAIL_POLICY: ThrottlePolicy = { limit: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 }
/** "Forgot password" per address, any emails. */
export const FORGOT_ADDRESS_POLICY: ThrottlePolicy = { limit: 100, windowMs: 15 * 60_000, lockMs: 15 * 60_000 }

export type ResetTokenState = 'valid' | 'used' | 'expired' | 'unknown'

/** Whether a reset link may still be used: there, not used yet and not expired. Pure. */
export function resetTokenState(row: { expiresAt: Date, usedAt: Date | null } | undefined, now: Date): ResetTokenState {
  if (!row) return 'unknown'
  if (row.usedAt) return 'used'
  if (row.expiresAt.getTime() <= now.getTime()) return 'expired'
  return 'valid'
}

const refused = () => badRequest('token', 'this link has expired or was used already: ask for a new one')

/**
 * A reset link for the account that signs in with this email, if there is one (active, with a
 * password, and passwords allowed: not a member of an "SSO only" workspace): the token, once
 * (only its hash is stored), and whom to send it to. Null otherwise.
 */
export async function requestPasswordReset(db: AppDatabase, email: string, ip: string | null, now = new Date()) {
  const [user] = await withLookup(db, { loginEmail: email }, tx => tx.select({
    id: users.id, tenantId: users.tenantId, name: users.name, email: users.email, active: users.active, role: users.role,
  }).from(users).where(and(eq(sql`lower(${users.email})`, email.toLowerCase()), isNotNull(users.passwordHash))).limit(1))
  if (!user?.active) return null
  const token = randomToken()
  const sent = await withTenant(db, user.tenantId, async (tx) => {
    // An "SSO only" workspace's members have no password to reset (admins keep their break-glass one).
    if (!passwordAllowed(await ssoPolicy(tx, user.tenantId), user.role)) {
      await audit(tx, { tenantId: user.tenantId, userId: user.id, ip }, 'auth.password_refused', { metadata: { reason: 'sso_only' } })
      return false
    }
    await tx.insert(passwordResets).values({
      tenantId: user.tenantId, userId: user.id, tokenHash: sha256(token), expiresAt: new Date(now.getTime() + RESET_TTL_MS),
    })
    await audit(tx, { tenantId: user.tenantId, userId: user.id, ip }, 'auth.password_reset_requested',
      { targetType: 'user', targetId: user.id })
    return true
  })
  return sent ? { token, user } : null
}

/**
 * Sets a new password from a reset link: the link is used up (also every other one of the user),
 * and every session of the user ends (their rows, and their session version moves on).
 */
export async function resetPassword(db: AppDatabase, token: string, password: string, ip: string | null, now = new Date()) {
  const tokenHash = sha256(token)
  const [found] = await withLookup(db, { resetTokenHash: tokenHash }, tx =>
    tx.select().from(passwordResets).where(eq(passwordResets.tokenHash, tokenHash)))
  if (resetTokenState(found, now) !== 'valid') throw refused()
  const passwordHash = await hashPassword(password)
  return withTenant(db, found!.tenantId, async (tx) => {
    const [claimed] = await tx.update(passwordResets).set({ usedAt: now })
      .where(and(eq(passwordResets.tenantId, found!.tenantId), eq(passwordResets.id, found!.id), isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, now)))
      .returning({ userId: passwordResets.userId })
    if (!claimed) throw refused()
    // A link asked for before the workspace went "SSO only" sets no password for a member.
    const [member] = await tx.select({ role: users.role }).from(users)
      .where(and(eq(users.tenantId, found!.tenantId), eq(users.id, claimed.userId)))
    if (member && !passwordAllowed(await ssoPolicy(tx, found!.tenantId), member.role)) {
      throw badRequest('token', 'your workspace signs in with single sign-on: there is no password to reset')
    }
    const [user] = await tx.update(users)
      .set({ passwordHash, updatedAt: now, sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(and(eq(users.tenantId, found!.tenantId), eq(users.id, claimed.userId), eq(users.active, true)))
      .returning({ id: users.id, email: users.email })
    if (!user) throw refused()
    await tx.update(passwordResets).set({ usedAt: now })
      .where(and(eq(passwordResets.tenantId, found!.tenantId), eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)))
    await endUserSessionRows(tx, found!.tenantId, user.id)
    await audit(tx, { tenantId: found!.tenantId, userId: user.id, ip }, 'auth.password_reset', { targetType: 'user', targetId: user.id })
    await peopleChanged(tx, found!.tenantId)
    return user
  })
}

/**
 * Changes the signed-in user's password: the current one must be right (400 naming
 * `currentPassword`); every other session of theirs ends, the one it came from goes on.
 */
export async function changePassword(
  tx: Tx,
  actor: Actor & { userId: string },
  sessionId: string,
  input: { currentPassword: string, password: string },
) {
  const [user] = await tx.select({ passwordHash: users.passwordHash }).from(users)
    .where(and(eq(users.tenantId, actor.tenantId), eq(users.id, actor.userId)))
  if (!user?.passwordHash || !await verifyPassword(user.passwordHash, input.currentPassword))
    throw badRequest('currentPassword', 'not your current password')
  await tx.update(users).set({ passwordHash: await hashPassword(input.password), updatedAt: new Date() })
    .where(and(eq(users.tenantId, actor.tenantId), eq(users.id, actor.userId)))
  const ended = await endUserSessionRows(tx, actor.tenantId, actor.userId, sessionId)
  await audit(tx, actor, 'auth.password_changed', { targetType: 'user', targetId: actor.userId, metadata: { sessionsEnded: ended } })
}
