import { and, eq, isNotNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import { users } from '../../../db/schema'
import { withLookup, withTenant } from '../../domain/db'
import { audit } from '../../domain/tenancy/audit'
import { hashPassword, verifyPassword } from '../../domain/tenancy/passwords'
import { ADDRESS_POLICY, clearFailures, EMAIL_POLICY, lockedFor, recordFailure } from '../../domain/tenancy/throttle'

const decoyHash = hashPassword('decoy password for unknown emails')

export const BodySchema = z.object({
  email: EmailSchema,
  password: z.string().min(1, 'required').max(1024),
})

export default defineEventHandler(async (event) => {
  const { email, password } = await readValidated(event, BodySchema)
  const db = await useDb()
  const ip = clientIp(event)
  const keys = [{ key: `email:${email}`, policy: EMAIL_POLICY }, ...(ip ? [{ key: `ip:${ip}`, policy: ADDRESS_POLICY }] : [])]

  const user = await withLookup(db, { loginEmail: email }, async (tx) => {
    const wait = await lockedFor(tx, keys)
    if (wait > 0) {
      setResponseHeader(event, 'Retry-After', wait)
      throw createError({ statusCode: 429, statusMessage: 'too many failed sign-ins: try again later' })
    }
    const [found] = await tx.select().from(users)
      .where(and(eq(sql`lower(${users.email})`, email), isNotNull(users.passwordHash))).limit(1)
    return found
  })
  // Unknown emails cost a hash check too, so timing does not tell which emails have accounts.
  const valid = await verifyPassword(user?.passwordHash ?? await decoyHash, password) && Boolean(user?.active)
  if (!valid) {
    await withLookup(db, {}, tx => recordFailure(tx, keys))
    if (user) await withTenant(db, user.tenantId, tx => audit(tx, { tenantId: user.tenantId, userId: user.id, ip }, 'auth.login_failed'))
    throw createError({ statusCode: 401, statusMessage: 'wrong email or password' })
  }

  await withLookup(db, {}, tx => clearFailures(tx, `email:${email}`))
  await withTenant(db, user!.tenantId, async (tx) => {
    await tx.update(users).set({ lastLoginAt: new Date() }).where(and(eq(users.tenantId, user!.tenantId), eq(users.id, user!.id)))
    await audit(tx, { tenantId: user!.tenantId, userId: user!.id, ip }, 'auth.login')
  })
  const sessionUser = { id: user!.id, tenantId: user!.tenantId, name: user!.name, email: user!.email, role: user!.role, teamId: user!.teamId }
  // A fresh session at every sign-in (no session fixation).
  await replaceUserSession(event, { user: sessionUser, loggedInAt: new Date().toISOString() })
  return { user: sessionUser }
})
