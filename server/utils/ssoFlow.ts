import type { H3Event } from 'h3'
import type { PendingSignIn } from '../domain/sso/oidc'

/** The sealed cookie a single sign-on keeps its state, nonce and PKCE verifier in, between start and callback. */
export const SSO_COOKIE = 'momentum-sso'
export const SSO_MAX_AGE_SECONDS = 600
export const SSO_CALLBACK_PATH = '/api/auth/sso/callback'

/** The pending sign-in's session (h3 `useSession` under its own name; sealed, http-only, 10 minutes). */
export function ssoSession(event: H3Event) {
  return useSession<Partial<PendingSignIn> & { startedAt?: number }>(event, {
    name: SSO_COOKIE,
    password: useRuntimeConfig(event).session.password as string,
    maxAge: SSO_MAX_AGE_SECONDS,
    cookie: { httpOnly: true, sameSite: 'lax', path: '/api/auth/sso' },
  })
}

/** The redirect URI the provider sends the browser back to (give it to the provider). */
export const ssoRedirectUri = (event: H3Event) => `${publicOrigin(event)}${SSO_CALLBACK_PATH}`

/** Back to the sign-in page with the reason in words there. */
export const ssoFailed = (event: H3Event, reason: string) => sendRedirect(event, `/login?sso_error=${encodeURIComponent(reason)}`, 302)
