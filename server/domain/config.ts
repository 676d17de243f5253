/**
 * The environment variables the server reads, each in one place with its default (the table in
 * docs/environment.md says what each means). Read when called, so a test that sets a variable
 * sees it.
 */
export const config = {
  /** Billing is on when a Stripe key is configured; off (self-hosting, the demo) everything is included. */
  billingEnabled: () => Boolean(process.env.STRIPE_SECRET_KEY),
  /** PUBLIC_URL without a trailing slash, or null. */
  publicUrl: () => process.env.PUBLIC_URL?.replace(/\/+$/, '') || null,
  /** Behind a trusted reverse proxy (TRUST_PROXY=1): client address and scheme come from X-Forwarded-*. */
  trustProxy: () => process.env.TRUST_PROXY === '1',
  /** The app's address in emails: PUBLIC_URL, else the local default. */
  appUrl: () => config.publicUrl() ?? `http://localhost:${process.env.PORT ?? 3000}`,
}
