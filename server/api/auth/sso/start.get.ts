import { z } from 'zod'
import { DomainError } from '../../../domain/core/errors'
import { startSignIn } from '../../../domain/sso/oidc'
import { safeRedirect } from '../../../domain/sso/policy'
import { credentialsOf, providerForEmail } from '../../../domain/sso/providers'

export const QuerySchema = z.object({
  email: EmailSchema,
  redirect: z.string().max(500).optional(),
}).strict()

/** A browser navigation gets the sign-in page with the reason; a program gets the error. */
const wantsPage = (event: Parameters<typeof getHeader>[0]) => (getHeader(event, 'accept') ?? '').includes('text/html')

/**
 * Starts single sign-on for an email: finds the tenant whose provider covers its domain (400
 * naming `email` when none), keeps state, nonce and the PKCE verifier in a sealed 10-minute
 * cookie, and sends the browser to the provider (302).
 */
export default defineEventHandler(async (event) => {
  let query: z.output<typeof QuerySchema>
  try {
    query = queryValidated(event, QuerySchema)
  }
  catch (error) {
    if (wantsPage(event)) return ssoFailed(event, 'no_provider')
    throw error
  }
  const found = await providerForEmail(await useDb(), query.email)
  if (!found) {
    if (wantsPage(event)) return ssoFailed(event, 'no_provider')
    throw new DomainError(400, 'validation', { issues: [{ path: 'email', message: 'no single sign-on covers this email\'s domain' }] })
  }
  let started: Awaited<ReturnType<typeof startSignIn>>
  try {
    started = await startSignIn(credentialsOf(found.row), ssoRedirectUri(event), {
      tenantId: found.tenantId, redirect: safeRedirect(query.redirect), loginHint: query.email,
    })
  }
  catch {
    if (wantsPage(event)) return ssoFailed(event, 'provider_unavailable')
    throw createError({
      statusCode: 502, statusMessage: 'the identity provider could not be reached', data: { error: 'provider_unavailable' },
    })
  }
  const session = await ssoSession(event)
  await session.clear()
  await session.update({ ...started.keep, startedAt: Date.now() })
  return sendRedirect(event, started.url.href, 302)
})
