import { and, eq, isNotNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import { users } from '../../../db/schema'
import { withLookup, withTenant } from '../../domain/core/db'
import { audit } from '../../domain/tenancy/audit'
import { passwordSignInAllowed } from '../../domain/sso/providers'
import { mfaStatus } from '../../domain/tenancy/mfa'
import { hashPassword, verifyPassword } from '../../domain/tenancy/passwords'
import {
  ADDRESS_POLICY,
  clearFailures,
  EMAIL_POLICY,
  lockedFor,
  PAIR_POLICY,
  recordFailure,
  reserveAttempt,
} from '../../domain/tenancy/throttle'

const decoyHash = hashPassword('decoy password for unknown emails')

export const BodySchema = z.object({
  email: EmailSchema,
  password: z.string().min(1, 'required').max(1024),
})

/**
 * Signs in. Every try is counted against the account before the password is checked (so
 * parallel guesses cannot outrun the limit); a correct password clears the count. Failures
 * are counted against the address too, but a busy address only holds each account tried from
 * there to one try per window: its valid users still sign in.
 */
export default defineEventHandler(async (event) => {
  const { email, password } = await readValidated(event, BodySchema)
  const db = await useDb()
  const ip = clientIp(event)
  const account = { key: `email:${email}`, policy: EMAIL_POLICY }
  const address = ip ? { key: `ip:${ip}`, policy: ADDRESS_POLICY } : null
  const pair = ip ? { key: `pair:${ip}|${email}`, policy: PAIR_POLICY } : null

  const { user, wait } = await withLookup(db, { loginEmail: email }, async (tx) => {
    if (address && pair && await lockedFor(tx, [address]) > 0) {
      const tried = await reserveAttempt(tx, pair)
      if (!tried.allowed) return { user: undefined, wait: tried.retryAfter }
    }
    const reserved = await reserveAttempt(tx, account)
    if (!reserved.allowed) return { user: undefined, wait: reserved.retryAfter }
    const [found] = await tx.select().from(users)
      .where(and(eq(sql`lower(${users.email})`, email), isNotNull(users.passwordHash))).limit(1)
    return { user: found, wait: 0 }
  })
  if (wait > 0) {
    setResponseHeader(event, 'Retry-After', wait)
    throw createError({ statusCode: 429, statusMessage: 'too many failed sign-ins: try again later' })
  }
  // Unknown emails cost a hash check too, so timing does not tell which emails have accounts.
  const valid = await verifyPassword(user?.passwordHash ?? await decoyHash, password) && Boolean(user?.active)
  if (!valid) {
    if (address) await withLookup(db, {}, tx => recordFailure(tx, [address]))
    if (user) await withTenant(db, user.tenantId, tx => audit(tx, { tenantId: user.tenantId, userId: user.id, ip }, 'auth.login_failed'))
    throw createError({ statusCode: 401, statusMessage: 'wrong email or password' })
  }

  await withLookup(db, {}, tx => clearFailures(tx, [account.key, ...(pair ? [pair.key] : [])]))
  // "SSO only" tenants: members sign in through their identity provider; admins keep a break-glass password.
  if (!await passwordSignInAllowed(db, user!, ip)) {
    throw createError({
      statusCode: 403, statusMessage: 'your workspace uses single sign-on: sign in with single sign-on', data: { error: 'sso_required' },
    })
  }
  // Two-factor on: no session yet, only a short-lived sealed "password passed" cookie for POST /api/auth/login/mfa.
  if (await withTenant(db, user!.tenantId, async tx => (await mfaStatus(tx, user!.tenantId, user!.id)).enabled)) {
    await rememberPasswordPassed(event, user!)
    return { mfaRequired: true }
  }
  await withTenant(db, user!.tenantId, async (tx) => {
    await tx.update(users).set({ lastLoginAt: new Date() }).where(and(eq(users.tenantId, user!.tenantId), eq(users.id, user!.id)))
    await audit(tx, { tenantId: user!.tenantId, userId: user!.id, ip }, 'auth.login')
  })
  return { user: await startSession(event, user!) }
})
