import { z } from 'zod'
import { setMfaPolicy } from '../../../domain/tenancy/mfa'

export const BodySchema = z.object({ requireMfa: z.boolean() }).strict()

export const meta = defineRoute({
  tag: 'People',
  summary: 'Require two-factor authentication of every member, or stop requiring it (admin; audited)',
  body: BodySchema,
})

/**
 * Admins: `{ requireMfa }`. While required, a member without TOTP gets 403 `mfa enrolment required`
 * on /api/v1 until they enrol. The admin must have TOTP on first (400 naming `requireMfa`).
 */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const { requireMfa } = await readValidated(event, BodySchema)
  return scoped(event, tx => setMfaPolicy(tx, actorOf(event, auth), requireMfa))
})
