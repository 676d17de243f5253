import Stripe from 'stripe'
import { withTenant } from '../domain/core/db'
import { capabilitiesOf } from '../domain/billing/plan'
import type { Effective } from '../domain/billing/capabilities'
import { config } from '../domain/core/config'
import { busCache } from './busCache'

/** Billing is on when a Stripe key is configured; off (self-hosting, the demo) everything is included. */
export const billingEnabled = config.billingEnabled

let stripe: Stripe | undefined

/**
 * The Stripe SDK, or null with billing off. STRIPE_API_HOST / _PORT / _PROTOCOL point it at
 * another server that speaks Stripe's API (the tests' local one).
 */
export function useStripe(): Stripe | null {
  const settings = config.stripe()
  if (!settings.secretKey) return null
  stripe ??= new Stripe(settings.secretKey, {
    ...(settings.host ? { host: settings.host } : {}),
    ...(settings.port ? { port: settings.port } : {}),
    ...(settings.protocol ? { protocol: settings.protocol } : {}),
    maxNetworkRetries: 1,
    timeout: 10_000,
  })
  return stripe
}

/**
 * What the tenant's plan includes now, from the local tables (never from Stripe), kept 30 s at
 * most (never past the end of a grace period) and forgotten in every process as soon as a webhook
 * changes it (the bus's `billing.changed`).
 */
const plans = busCache<Effective>({
  ttlMs: 30_000, maxEntries: 10_000,
  forgets: message => message.topic === 'billing.changed' && 'tenant',
  ttlOf: (plan, now) => (plan.graceUntil ? plan.graceUntil.getTime() - now : Number.POSITIVE_INFINITY),
})

export async function tenantCapabilities(tenantId: string): Promise<Effective> {
  const { value } = await plans.through(tenantId, tenantId, async () => {
    return withTenant(await useDb(), tenantId, tx => capabilitiesOf(tx, tenantId))
  })
  return value
}
