import { z } from 'zod'
import { badRequest } from '../../../domain/core/errors'
import { withLookup } from '../../../domain/core/db'
import { audit } from '../../../domain/tenancy/audit'
import { disableTotp, factorOf, mfaStatus, useSecondFactor } from '../../../domain/tenancy/mfa'
import { clearFailures, EMAIL_POLICY, reserveAttempt } from '../../../domain/tenancy/throttle'

export const BodySchema = z.object({
  code: z.string().max(20).optional(),
  recoveryCode: z.string().max(40).optional(),
}).strict().refine(b => (b.code === undefined) !== (b.recoveryCode === undefined), { message: 'a code or a recovery code', path: ['code'] })

/**
 * Turns the caller's TOTP off. It takes a current code (`{ code }`) or an unused recovery code
 * (`{ recoveryCode }`), checked and throttled like at sign-in (wrong: 400 naming the field); 403
 * while the workspace requires two-factor. Audited. 204.
 */
export default defineEventHandler(async (event) => {
  const auth = await requireSignedInUser(event)
  const factor = await readValidated(event, BodySchema)
  const db = await useDb()
  const actor = actorOf(event, auth)
  const status = await withTenant(db, auth.tenantId, tx => mfaStatus(tx, auth.tenantId, auth.userId))
  if (status.required) throw createError({ statusCode: 403, statusMessage: 'the workspace requires two-factor authentication' })
  if (!status.enabled) throw createError({ statusCode: 409, statusMessage: 'two-factor authentication is not on' })
  const key = { key: `mfa:${auth.userId}`, policy: EMAIL_POLICY }
  const reserved = await withLookup(db, {}, tx => reserveAttempt(tx, key))
  if (!reserved.allowed) {
    setResponseHeader(event, 'Retry-After', reserved.retryAfter)
    throw createError({ statusCode: 429, statusMessage: 'too many wrong codes: try again later' })
  }
  const done = await withTenant(db, auth.tenantId, async (tx) => {
    const used = await useSecondFactor(tx, auth.tenantId, auth.userId, factorOf(factor))
    if (!used) return false
    await disableTotp(tx, actor)
    return true
  })
  if (!done) {
    await withTenant(db, auth.tenantId, tx => audit(tx, actor, 'auth.mfa_failed', { metadata: { during: 'disable' } }))
    throw badRequest(factor.recoveryCode === undefined ? 'code' : 'recoveryCode', 'wrong code')
  }
  await withLookup(db, {}, tx => clearFailures(tx, [key.key]))
  setResponseStatus(event, 204)
  return null
})
