import * as client from 'openid-client'
import { config as env } from '../core/config'
import { sha256 } from '../tenancy/secrets'
import type { SsoError } from '../../../shared/utils/sso'
import type { SsoClaims } from './policy'

/** What the app needs to talk to a tenant's provider. */
export interface ProviderCredentials { issuer: string, clientId: string, clientSecret: string }

/** What a started sign-in keeps (in its own sealed, short-lived cookie) for the callback to check. */
export interface PendingSignIn {
  tenantId: string
  state: string
  nonce: string
  codeVerifier: string
  redirect: string | null
}

const DISCOVERY_TIMEOUT_SECONDS = 10
const KEEP_MS = 5 * 60_000
const configurations = new Map<string, { at: number, config: client.Configuration }>()

/**
 * Whether an issuer may be used: an https URL without credentials, query or fragment (an http
 * one only with SSO_ALLOW_INSECURE_ISSUERS=1, for the tests' local provider). The problem in
 * words, or null. Pure but for the flag.
 */
export function issuerProblem(value: string): string | null {
  let url: URL
  try {
    url = new URL(value)
  }
  catch {
    return 'a URL such as https://login.example.com'
  }
  if (url.username || url.password) return 'must not carry credentials'
  if (url.search || url.hash) return 'must not have a query or fragment'
  if (url.protocol === 'https:') return null
  if (url.protocol === 'http:' && env.ssoAllowInsecureIssuers()) return null
  return 'must be an https URL'
}

/**
 * The provider's configuration by OpenID Connect discovery (`/.well-known/openid-configuration`),
 * kept a few minutes per issuer and client. Throws when the issuer does not answer as one.
 */
export async function discover(credentials: ProviderCredentials): Promise<client.Configuration> {
  const key = `${credentials.issuer}|${credentials.clientId}|${sha256(credentials.clientSecret)}`
  const kept = configurations.get(key)
  if (kept && Date.now() - kept.at < KEEP_MS) return kept.config
  const problem = issuerProblem(credentials.issuer)
  if (problem) throw new Error(problem)
  const insecure = new URL(credentials.issuer).protocol === 'http:'
  const config = await client.discovery(
    new URL(credentials.issuer),
    credentials.clientId,
    undefined,
    client.ClientSecretBasic(credentials.clientSecret),
    { timeout: DISCOVERY_TIMEOUT_SECONDS, execute: insecure ? [client.allowInsecureRequests] : [] },
  )
  config.timeout = DISCOVERY_TIMEOUT_SECONDS
  if (configurations.size > 500) configurations.clear()
  configurations.set(key, { at: Date.now(), config })
  return config
}

/** Forgets what discovery kept for an issuer (its configuration was changed). */
export function forgetDiscovery(issuer: string) {
  for (const key of configurations.keys()) if (key.startsWith(`${issuer}|`)) configurations.delete(key)
}

/** A new sign-in: the provider's authorization URL (code flow, PKCE S256, state, nonce) and what to keep. */
export async function startSignIn(
  credentials: ProviderCredentials,
  redirectUri: string,
  pending: { tenantId: string, redirect: string | null, loginHint?: string },
): Promise<{ url: URL, keep: PendingSignIn }> {
  const config = await discover(credentials)
  const codeVerifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid email profile',
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    ...(pending.loginHint ? { login_hint: pending.loginHint } : {}),
  })
  return { url, keep: { tenantId: pending.tenantId, state, nonce, codeVerifier, redirect: pending.redirect } }
}

/** Why a callback failed, as the sign-in page names it. Pure. */
export function callbackFailure(error: unknown): SsoError {
  if (error instanceof client.AuthorizationResponseError) return 'provider_error'
  const e = error as { code?: unknown, cause?: unknown, name?: unknown }
  if (e?.code === 'OAUTH_TIMEOUT' || e?.name === 'TimeoutError' || (error instanceof TypeError && /fetch failed/i.test(error.message)))
    return 'provider_unavailable'
  return 'invalid_response'
}

/**
 * Completes a sign-in: openid-client checks the answer's state, exchanges the code with the PKCE
 * verifier, and checks the ID token (signature, issuer, audience = this client, nonce, expiry).
 * The claims are the ID token's, completed from the userinfo endpoint when it leaves out the
 * email (the userinfo subject must be the ID token's).
 */
export async function finishSignIn(
  credentials: ProviderCredentials,
  callbackUrl: URL,
  pending: PendingSignIn,
): Promise<SsoClaims & { sub: string }> {
  const config = await discover(credentials)
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: pending.codeVerifier,
    expectedState: pending.state,
    expectedNonce: pending.nonce,
    idTokenExpected: true,
  })
  const idToken = tokens.claims()!
  let claims: SsoClaims & { sub: string } = { ...idToken }
  if (claims.email === undefined || claims.email_verified === undefined) {
    const info = await client.fetchUserInfo(config, tokens.access_token, idToken.sub)
    claims = { ...info, ...Object.fromEntries(Object.entries(idToken).filter(([, v]) => v !== undefined)), sub: idToken.sub }
  }
  return claims
}
