import { z } from 'zod'
import { badRequest } from '../../../../domain/core/errors'
import { withLookup } from '../../../../domain/core/db'
import { confirmTotp } from '../../../../domain/tenancy/mfa'
import { clearFailures, EMAIL_POLICY, reserveAttempt } from '../../../../domain/tenancy/throttle'

export const BodySchema = z.object({ code: z.string().min(1, 'required').max(20) }).strict()

/**
 * Confirms the pending enrolment with a code of the new secret: TOTP is on from now, and the
 * answer holds ten recovery codes, shown this once (only their hashes are kept). A wrong code is
 * 400 naming `code`, counted like a wrong password (429 with Retry-After after five).
 */
export default defineEventHandler(async (event) => {
  const { code } = await readValidated(event, BodySchema)
  const auth = await requireSignedInUser(event)
  const db = await useDb()
  const key = { key: `mfa:${auth.userId}`, policy: EMAIL_POLICY }
  const reserved = await withLookup(db, {}, tx => reserveAttempt(tx, key))
  if (!reserved.allowed) {
    setResponseHeader(event, 'Retry-After', reserved.retryAfter)
    throw createError({ statusCode: 429, statusMessage: 'too many wrong codes: try again later' })
  }
  const recoveryCodes = await withTenant(db, auth.tenantId, tx => confirmTotp(tx, actorOf(event, auth), code))
  if (!recoveryCodes) throw badRequest('code', 'wrong code: check the time on your device and try the current code')
  await withLookup(db, {}, tx => clearFailures(tx, [key.key]))
  return { recoveryCodes }
})
