import { z } from 'zod'
import { withLookup } from '../../../domain/core/db'
import { resetPassword } from '../../../domain/tenancy/passwordReset'
import { clearFailures } from '../../../domain/tenancy/throttle'

export const BodySchema = z.object({
  token: z.string().min(20).max(200),
  password: PasswordSchema,
})

/**
 * Sets a new password from a reset link (single-use, an hour; 400 naming `token` otherwise).
 * Every session of the user ends; they sign in with the new password.
 */
export default defineEventHandler(async (event) => {
  const { token, password } = await readValidated(event, BodySchema)
  const db = await useDb()
  const user = await resetPassword(db, token, password, clientIp(event))
  // The new password is the account's again: failed sign-ins before it no longer hold it.
  await withLookup(db, {}, tx => clearFailures(tx, [`email:${user.email.toLowerCase()}`]))
  setResponseStatus(event, 204)
  return null
})
