import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import { users } from '../../../../db/schema'
import { withLookup, withTenant } from '../../../domain/core/db'
import { audit } from '../../../domain/tenancy/audit'
import { factorOf, useSecondFactor } from '../../../domain/tenancy/mfa'
import { clearFailures, EMAIL_POLICY, reserveAttempt } from '../../../domain/tenancy/throttle'

export const BodySchema = z.object({
  code: z.string().max(20).optional(),
  recoveryCode: z.string().max(40).optional(),
}).strict().refine(b => (b.code === undefined) !== (b.recoveryCode === undefined), { message: 'a code or a recovery code', path: ['code'] })

/**
 * The second step of a sign-in with two-factor on: after `POST /api/auth/login` answered
 * `{ mfaRequired: true }` (and set the short-lived "password passed" cookie), a TOTP code or a
 * recovery code completes it with a session. Each try is counted against the user first (like
 * passwords: five in 15 minutes, then 429 with Retry-After); a right code clears the count.
 */
export default defineEventHandler(async (event) => {
  const factor = await readValidated(event, BodySchema)
  const pending = await passwordPassed(event)
  if (!pending) throw createError({ statusCode: 401, statusMessage: 'sign in with your password first' })
  const db = await useDb()
  const ip = clientIp(event)
  const [user] = await withTenant(db, pending.tenantId, tx => tx.select().from(users)
    .where(and(eq(users.tenantId, pending.tenantId), eq(users.id, pending.userId))))
  if (!user?.active || user.sessionVersion !== pending.sessionVersion) {
    await forgetPasswordPassed(event)
    throw createError({ statusCode: 401, statusMessage: 'sign in with your password first' })
  }
  const account = { key: `mfa:${user.id}`, policy: EMAIL_POLICY }
  const reserved = await withLookup(db, {}, tx => reserveAttempt(tx, account))
  if (!reserved.allowed) {
    setResponseHeader(event, 'Retry-After', reserved.retryAfter)
    throw createError({ statusCode: 429, statusMessage: 'too many wrong codes: try again later' })
  }
  const actor = { tenantId: user.tenantId, userId: user.id, ip }
  const used = await withTenant(db, user.tenantId, async (tx) => {
    const used = await useSecondFactor(tx, user.tenantId, user.id, factorOf(factor))
    if (used) {
      await tx.update(users).set({ lastLoginAt: new Date() }).where(and(eq(users.tenantId, user.tenantId), eq(users.id, user.id)))
      await audit(tx, actor, 'auth.login', { metadata: { secondFactor: used } })
    }
    return used
  })
  if (!used) {
    const kind = factor.recoveryCode === undefined ? 'totp' : 'recovery'
    await withTenant(db, user.tenantId, tx => audit(tx, actor, 'auth.mfa_failed', { metadata: { factor: kind } }))
    throw createError({ statusCode: 401, statusMessage: 'wrong code' })
  }
  await withLookup(db, {}, tx => clearFailures(tx, [account.key]))
  await forgetPasswordPassed(event)
  return { user: await startSession(event, user) }
})
