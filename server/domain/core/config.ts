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
  /** WEBHOOK_RATE_LIMIT: requests a minute to the public webhooks (security/rateLimit.ts `webhookLimits` reads it). */
  webhookRateLimit: () => process.env.WEBHOOK_RATE_LIMIT,
  /** Stripe: the secret key (billing on), the webhook signing secret, and another server that speaks Stripe's API (tests). */
  stripe: () => ({
    secretKey: process.env.STRIPE_SECRET_KEY || null,
    webhookSecret: process.env.STRIPE_WEBHOOK_SECRET || null,
    host: process.env.STRIPE_API_HOST || null,
    port: process.env.STRIPE_API_PORT ? Number(process.env.STRIPE_API_PORT) : null,
    protocol: (process.env.STRIPE_API_PROTOCOL as 'http' | 'https' | undefined) || null,
  }),
  /** BILLING_GRACE_DAYS: days a past-due subscription keeps its plan. */
  billingGraceDays: () => Number(process.env.BILLING_GRACE_DAYS ?? 7),
  /** SALESFORCE_ALLOW_INSECURE_URLS=1 (tests): a Salesforce connection may point at any http(s) URL. */
  salesforceAllowInsecureUrls: () => process.env.SALESFORCE_ALLOW_INSECURE_URLS === '1',
  /** SSO_ALLOW_INSECURE_ISSUERS=1 (tests): a single sign-on issuer may be an http URL (the tests' local OpenID provider). */
  ssoAllowInsecureIssuers: () => process.env.SSO_ALLOW_INSECURE_ISSUERS === '1',
  /** API_KEY_RATE_PER_MINUTE: calls a minute an API key makes when it sets no rate of its own (default 600). */
  apiKeyRatePerMinute: () => {
    const value = Number(process.env.API_KEY_RATE_PER_MINUTE ?? 600)
    return Number.isInteger(value) && value > 0 ? value : 600
  },
  /** The app's address in emails: PUBLIC_URL, else the local default. */
  appUrl: () => config.publicUrl() ?? `http://localhost:${process.env.PORT ?? 3000}`,
}
