/**
 * Why a single sign-on was refused: the reason the callback puts in `/login?sso_error=`, and the
 * words the sign-in page shows for it.
 */
export const SSO_ERRORS = {
  no_provider: 'Single sign-on is not set up for this email domain. Sign in with your password, or ask your admin.',
  expired: 'The single sign-on attempt expired or was started in another browser. Try again.',
  invalid_response: 'The identity provider’s answer could not be verified. Try again.',
  provider_error: 'The identity provider did not sign you in.',
  provider_unavailable: 'The identity provider could not be reached. Try again later.',
  no_email: 'The identity provider did not share your email address.',
  email_not_verified: 'Your identity provider has not verified your email address.',
  not_provisioned: 'You have no account in this workspace yet. Ask your admin to invite you.',
  deactivated: 'Your account is deactivated. Ask your admin.',
  seat_limit: 'Your workspace has no free seat for a new member. Ask your admin.',
} as const
export type SsoError = keyof typeof SSO_ERRORS

/** The words for a `sso_error` reason, or null for none; an unknown reason reads as a failed sign-in. */
export function ssoErrorMessage(reason: unknown): string | null {
  if (typeof reason !== 'string' || !reason) return null
  return (SSO_ERRORS as Record<string, string>)[reason] ?? 'Single sign-on failed. Try again.'
}
