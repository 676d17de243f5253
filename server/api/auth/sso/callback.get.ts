import { withTenant } from '../../../domain/core/db'
import { audit } from '../../../domain/tenancy/audit'
import { countUsage } from '../../../domain/billing/usage'
import { callbackFailure, finishSignIn, type PendingSignIn } from '../../../domain/sso/oidc'
import { credentialsOf, loadProvider, signInWithClaims } from '../../../domain/sso/providers'

/**
 * The provider sends the browser back here. The pending sign-in (its own sealed cookie, used
 * once) gives the tenant, state, nonce and PKCE verifier; openid-client checks them and the ID
 * token; the person is matched by verified email within that tenant (or provisioned), then
 * signed in. Any failure goes back to `/login?sso_error=<reason>`.
 */
export default defineEventHandler(async (event) => {
  const session = await ssoSession(event)
  const pending = { ...session.data }
  await session.clear()
  const fresh = typeof pending.startedAt === 'number' && Date.now() - pending.startedAt < SSO_MAX_AGE_SECONDS * 1000
  if (!fresh || !pending.tenantId || !pending.state || !pending.nonce || !pending.codeVerifier) return ssoFailed(event, 'expired')
  const keep = pending as PendingSignIn
  const db = await useDb()
  const ip = clientIp(event)
  const row = await withTenant(db, keep.tenantId, tx => loadProvider(tx, keep.tenantId))
  if (!row) return ssoFailed(event, 'no_provider')

  const callbackUrl = new URL(ssoRedirectUri(event))
  callbackUrl.search = getRequestURL(event).search
  let claims: Awaited<ReturnType<typeof finishSignIn>>
  try {
    claims = await finishSignIn(credentialsOf(row), callbackUrl, keep)
  }
  catch (error) {
    const reason = callbackFailure(error)
    await withTenant(db, keep.tenantId, tx => audit(tx, { tenantId: keep.tenantId, userId: null, ip }, 'auth.sso_refused', {
      metadata: { reason, issuer: row.issuer },
    }))
    return ssoFailed(event, reason)
  }

  // A provisioned member takes a seat: the plan's user limit holds as it does for invitations.
  const userLimit = (await tenantCapabilities(keep.tenantId)).limits.users
  const result = await withTenant(db, keep.tenantId, tx => signInWithClaims(tx, keep.tenantId, claims, {
    ip, seatLeft: async () => userLimit === null || await countUsage(tx, keep.tenantId, 'users') < userLimit,
  }))
  if (!result.ok) return ssoFailed(event, result.reason)
  await startSession(event, result.user)
  return sendRedirect(event, keep.redirect ?? '/dashboard', 302)
})
