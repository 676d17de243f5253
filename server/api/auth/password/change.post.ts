import { z } from 'zod'
import { withLookup, withTenant } from '../../../domain/core/db'
import { changePassword } from '../../../domain/tenancy/passwordReset'
import { clearFailures, EMAIL_POLICY, reserveAttempt } from '../../../domain/tenancy/throttle'

export const BodySchema = z.object({
  currentPassword: z.string().min(1, 'required').max(1024),
  password: PasswordSchema,
})

/**
 * Changes the signed-in user's password: the current one is required (400 naming
 * `currentPassword`; tries are limited as sign-ins are). Ends the user's other sessions and
 * keeps this one.
 */
export default defineEventHandler(async (event) => {
  const body = await readValidated(event, BodySchema)
  const auth = await requireSignedInUser(event)
  const db = await useDb()
  const key = { key: `change:${auth.userId}`, policy: EMAIL_POLICY }
  const reserved = await withLookup(db, {}, tx => reserveAttempt(tx, key))
  if (!reserved.allowed) {
    setResponseHeader(event, 'Retry-After', reserved.retryAfter)
    throw createError({ statusCode: 429, statusMessage: 'too many tries: try again later' })
  }
  // The caller's own row, whatever their role lets them see of others.
  await withTenant(db, auth.tenantId, tx => changePassword(tx, actorOf(event, auth), auth.session.sessionId, body))
  await withLookup(db, {}, tx => clearFailures(tx, [key.key]))
  setResponseStatus(event, 204)
  return null
})
