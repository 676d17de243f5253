/**
 * 1b. Two-factor required: in a tenant that requires it, a person signed in without TOTP gets
 * 403 `mfa enrolment required` on every /api/v1 route until they enrol (enrolment itself is
 * under /api/auth/mfa). API keys are not sessions and pass.
 */
export default defineEventHandler(async (event) => {
  const auth = event.context.auth
  if (!auth || auth.apiKeyId || !event.path.startsWith('/api/v1')) return
  if (await mfaEnrolmentRequired(auth)) throw createError({ statusCode: 403, statusMessage: 'mfa enrolment required' })
})
