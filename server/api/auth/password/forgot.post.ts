import { z } from 'zod'
import { withLookup } from '../../../domain/core/db'
import { loggable } from '../../../domain/core/errors'
import { mailerFromEnv } from '../../../domain/email/mailer'
import { FORGOT_ADDRESS_POLICY, FORGOT_EMAIL_POLICY, requestPasswordReset } from '../../../domain/tenancy/passwordReset'
import { deliverResetLink } from '../../../domain/tenancy/resetMail'
import { reserveAttempt, type ThrottleKey } from '../../../domain/tenancy/throttle'

export const BodySchema = z.object({ email: EmailSchema })

/** The one answer, whether or not the email has an account. */
const ANSWER = { message: 'If an account exists for that email, a link is on its way.' }

/**
 * "Forgot password": 202 and the same body whether or not the email has an account, and about
 * as fast (the link is made and sent after the answer). Every request counts against the email
 * and the address, as sign-in does: 429 with `Retry-After` past the limit.
 */
export default defineEventHandler(async (event) => {
  const { email } = await readValidated(event, BodySchema)
  const db = await useDb()
  const ip = clientIp(event)
  const keys: ThrottleKey[] = [
    { key: `forgot:email:${email}`, policy: FORGOT_EMAIL_POLICY },
    ...(ip ? [{ key: `forgot:ip:${ip}`, policy: FORGOT_ADDRESS_POLICY }] : []),
  ]
  const wait = await withLookup(db, {}, async (tx) => {
    let longest = 0
    for (const key of keys) {
      const reserved = await reserveAttempt(tx, key)
      if (!reserved.allowed) longest = Math.max(longest, reserved.retryAfter)
    }
    return longest
  })
  if (wait > 0) {
    setResponseHeader(event, 'Retry-After', wait)
    throw createError({ statusCode: 429, statusMessage: 'too many password reset requests: try again later' })
  }
  const origin = publicOrigin(event)
  const work = (async () => {
    const reset = await requestPasswordReset(db, email, ip)
    if (!reset) return
    const link = `${origin}/reset-password?token=${encodeURIComponent(reset.token)}`
    await deliverResetLink(mailerFromEnv(), reset.user, link, process.env.NODE_ENV === 'production')
  })().catch((error: unknown) => console.error(`[password reset] the link could not be sent: ${loggable(error)}`))
  event.waitUntil?.(work)
  setResponseStatus(event, 202)
  return ANSWER
})
