import { and, eq, isNull, lt } from 'drizzle-orm'
import QRCode from 'qrcode'
import { mfaRecoveryCodes, tenants, userMfa, users } from '../../../db/schema'
import type { Tx } from '../core/db'
import { badRequest, conflict, DomainError, notFound } from '../core/errors'
import { audit, type Actor } from './audit'
import { endSessions } from './people'
import { seal, unseal } from './secrets'
import { peopleChanged } from './tenants'
import { checkTotp, hashRecoveryCode, newRecoveryCodes, newTotpSecret, otpauthUrl } from './totp'

/** Two-factor state of one user: whether TOTP is on, and whether an enrolment waits for its confirmation code. */
export async function mfaStatus(tx: Tx, tenantId: string, userId: string) {
  const [row] = await tx.select({ enabledAt: userMfa.enabledAt, pending: userMfa.pendingSecret }).from(userMfa)
    .where(and(eq(userMfa.tenantId, tenantId), eq(userMfa.userId, userId)))
  const [tenant] = await tx.select({ requireMfa: tenants.requireMfa }).from(tenants).where(eq(tenants.id, tenantId))
  const enabled = Boolean(row?.enabledAt)
  const required = Boolean(tenant?.requireMfa)
  return { enabled, pending: Boolean(row?.pending), required, enrolmentRequired: required && !enabled }
}

/**
 * Starts (or restarts) enrolment: a fresh secret, stored sealed as pending — not active until
 * `confirmTotp` sees a code of it. 409 while TOTP is already on (turn it off first).
 */
export async function startTotp(tx: Tx, actor: Actor & { userId: string }, account: string) {
  const status = await mfaStatus(tx, actor.tenantId, actor.userId)
  if (status.enabled) throw conflict('two-factor authentication is already on')
  const secret = newTotpSecret()
  const pendingSecret = seal(secret)
  await tx.insert(userMfa).values({ tenantId: actor.tenantId, userId: actor.userId, pendingSecret })
    .onConflictDoUpdate({ target: [userMfa.tenantId, userMfa.userId], set: { pendingSecret, updatedAt: new Date() } })
  const url = otpauthUrl(secret, account)
  return { secret, otpauthUrl: url, qrSvg: await QRCode.toString(url, { type: 'svg', margin: 2 }) }
}

/** Replaces the user's recovery codes with ten new ones; answers them (only their hashes are kept). */
async function replaceRecoveryCodes(tx: Tx, tenantId: string, userId: string) {
  const codes = newRecoveryCodes()
  await tx.delete(mfaRecoveryCodes).where(and(eq(mfaRecoveryCodes.tenantId, tenantId), eq(mfaRecoveryCodes.userId, userId)))
  await tx.insert(mfaRecoveryCodes).values(codes.map(code => ({ tenantId, userId, codeHash: hashRecoveryCode(code) })))
  return codes
}

/**
 * Activates the pending secret once `code` is one of its codes (that step is then used up) and
 * answers ten recovery codes, shown this once. Null for a wrong code; 409 with nothing pending.
 */
export async function confirmTotp(tx: Tx, actor: Actor & { userId: string }, code: string, now = new Date()) {
  const [row] = await tx.select().from(userMfa)
    .where(and(eq(userMfa.tenantId, actor.tenantId), eq(userMfa.userId, actor.userId))).for('update')
  if (row?.enabledAt) throw conflict('two-factor authentication is already on')
  if (!row?.pendingSecret) throw conflict('start the enrolment first (POST /api/auth/mfa/totp)')
  const decision = checkTotp(unseal<string>(row.pendingSecret), code, now, 0)
  if (!decision.ok) return null
  await tx.update(userMfa)
    .set({ secret: row.pendingSecret, pendingSecret: null, enabledAt: now, lastUsedStep: decision.step, updatedAt: now })
    .where(and(eq(userMfa.tenantId, actor.tenantId), eq(userMfa.userId, actor.userId)))
  const recoveryCodes = await replaceRecoveryCodes(tx, actor.tenantId, actor.userId)
  await audit(tx, actor, 'auth.mfa_enabled', { targetType: 'user', targetId: actor.userId })
  await peopleChanged(tx, actor.tenantId)
  return recoveryCodes
}

export type SecondFactor = { code: string } | { recoveryCode: string }

/** A body of `{ code }` or `{ recoveryCode }` (the route's schema has checked it is one of them) as a factor. */
export const factorOf = (body: { code?: string, recoveryCode?: string }): SecondFactor =>
  body.recoveryCode === undefined ? { code: body.code ?? '' } : { recoveryCode: body.recoveryCode }

/**
 * Checks a second factor of a user with TOTP on and uses it up: a TOTP code of a step within ±1
 * of now and later than the last one used (recorded in the same statement, so two requests
 * cannot both spend it), or an unused recovery code (marked used). Answers which worked, or
 * null (wrong, replayed, spent, or no TOTP).
 */
export async function useSecondFactor(tx: Tx, tenantId: string, userId: string, factor: SecondFactor, now = new Date()) {
  const [row] = await tx.select().from(userMfa).where(and(eq(userMfa.tenantId, tenantId), eq(userMfa.userId, userId)))
  if (!row?.enabledAt || !row.secret) return null
  if ('recoveryCode' in factor) {
    const [used] = await tx.update(mfaRecoveryCodes).set({ usedAt: now })
      .where(and(eq(mfaRecoveryCodes.tenantId, tenantId), eq(mfaRecoveryCodes.userId, userId),
        eq(mfaRecoveryCodes.codeHash, hashRecoveryCode(factor.recoveryCode)), isNull(mfaRecoveryCodes.usedAt)))
      .returning({ id: mfaRecoveryCodes.id })
    return used ? 'recovery' as const : null
  }
  const decision = checkTotp(unseal<string>(row.secret), factor.code, now, row.lastUsedStep)
  if (!decision.ok) return null
  const [claimed] = await tx.update(userMfa).set({ lastUsedStep: decision.step, updatedAt: now })
    .where(and(eq(userMfa.tenantId, tenantId), eq(userMfa.userId, userId), lt(userMfa.lastUsedStep, decision.step)))
    .returning({ step: userMfa.lastUsedStep })
  return claimed ? 'totp' as const : null
}

async function removeMfa(tx: Tx, tenantId: string, userId: string) {
  await tx.delete(mfaRecoveryCodes).where(and(eq(mfaRecoveryCodes.tenantId, tenantId), eq(mfaRecoveryCodes.userId, userId)))
  await tx.delete(userMfa).where(and(eq(userMfa.tenantId, tenantId), eq(userMfa.userId, userId)))
  await peopleChanged(tx, tenantId)
}

/** Turns the caller's TOTP off (the route has checked a code first); 403 while the tenant requires it. */
export async function disableTotp(tx: Tx, actor: Actor & { userId: string }) {
  const status = await mfaStatus(tx, actor.tenantId, actor.userId)
  if (status.required) throw new DomainError(403, 'the workspace requires two-factor authentication')
  if (!status.enabled) throw conflict('two-factor authentication is not on')
  await removeMfa(tx, actor.tenantId, actor.userId)
  await audit(tx, actor, 'auth.mfa_disabled', { targetType: 'user', targetId: actor.userId })
}

/** Admins: removes a member's second factor (they enrol again) and ends their sessions; audited. */
export async function resetMfa(tx: Tx, actor: Actor, userId: string) {
  const [user] = await tx.select({ id: users.id }).from(users).where(and(eq(users.tenantId, actor.tenantId), eq(users.id, userId)))
  if (!user) throw notFound('user')
  const status = await mfaStatus(tx, actor.tenantId, userId)
  await removeMfa(tx, actor.tenantId, userId)
  await endSessions(tx, actor.tenantId, userId)
  await audit(tx, actor, 'user.mfa_reset', { targetType: 'user', targetId: userId, metadata: { hadMfa: status.enabled || status.pending } })
  return { id: userId, mfaEnabled: false }
}

/** Whether the tenant requires two-factor of every member. */
export async function mfaPolicy(tx: Tx, tenantId: string) {
  const [tenant] = await tx.select({ requireMfa: tenants.requireMfa }).from(tenants).where(eq(tenants.id, tenantId))
  if (!tenant) throw notFound('tenant')
  return tenant
}

/**
 * Requires (or stops requiring) two-factor for the whole tenant; audited. An admin without TOTP
 * cannot require it (they would send themselves to enrol): 400 naming `requireMfa`.
 */
export async function setMfaPolicy(tx: Tx, actor: Actor & { userId: string }, requireMfa: boolean) {
  const before = await mfaPolicy(tx, actor.tenantId)
  if (requireMfa && !(await mfaStatus(tx, actor.tenantId, actor.userId)).enabled)
    throw badRequest('requireMfa', 'turn on two-factor authentication for your own account first')
  if (before.requireMfa !== requireMfa) {
    await tx.update(tenants).set({ requireMfa, updatedAt: new Date() }).where(eq(tenants.id, actor.tenantId))
    await audit(tx, actor, 'tenant.mfa_required_set', { targetType: 'tenant', targetId: actor.tenantId, metadata: { requireMfa } })
    await peopleChanged(tx, actor.tenantId)
  }
  return { requireMfa }
}
