import Stripe from 'stripe'
import { withTenant } from '../domain/db'
import { loadBilling } from '../domain/billing/apply'
import { effectiveCapabilities, type Effective } from '../domain/billing/capabilities'
import { billingStateOf } from '../domain/billing/usage'

/** Billing is on when a Stripe key is configured; off (self-hosting, the demo) everything is included. */
export const billingEnabled = () => Boolean(process.env.STRIPE_SECRET_KEY)

let stripe: Stripe | undefined

/**
 * The Stripe SDK, or null with billing off. STRIPE_API_HOST / _PORT / _PROTOCOL point it at
 * another server that speaks Stripe's API (the tests' local one).
 */
export function useStripe(): Stripe | null {
  if (!process.env.STRIPE_SECRET_KEY) return null
  stripe ??= new Stripe(process.env.STRIPE_SECRET_KEY, {
    ...(process.env.STRIPE_API_HOST ? { host: process.env.STRIPE_API_HOST } : {}),
    ...(process.env.STRIPE_API_PORT ? { port: Number(process.env.STRIPE_API_PORT) } : {}),
    ...(process.env.STRIPE_API_PROTOCOL ? { protocol: process.env.STRIPE_API_PROTOCOL as 'http' | 'https' } : {}),
    maxNetworkRetries: 1,
    timeout: 10_000,
  })
  return stripe
}

const TTL_MS = 30_000
const cache = new Map<string, { value: Effective, until: number }>()
let watching = false

/** Forgets a tenant's capabilities; every process hears of it through the bus. */
export function forgetCapabilities(tenantId: string) {
  cache.delete(tenantId)
}

/**
 * What the tenant's plan includes now, from the local tables (never from Stripe), cached briefly
 * in memory and dropped as soon as a webhook changes it (in this process or another).
 */
export async function tenantCapabilities(tenantId: string): Promise<Effective> {
  if (!watching) {
    watching = true
    bus.subscribeAll(message => message.topic === 'billing.changed' && forgetCapabilities(message.tenantId))
    // The feed was cut for a while: a change may have been missed, so forget everything.
    bus.onReconnect(() => cache.clear())
  }
  const hit = cache.get(tenantId)
  if (hit && hit.until > Date.now()) return hit.value
  const loaded = await withTenant(await useDb(), tenantId, tx => loadBilling(tx, tenantId))
  const value = effectiveCapabilities(billingStateOf(loaded), new Date(), billingEnabled())
  // Cached only while the bus is connected: a change made while it is cut would go unheard.
  if (bus.isLive()) cache.set(tenantId, { value, until: Math.min(Date.now() + TTL_MS, value.graceUntil?.getTime() ?? Number.POSITIVE_INFINITY) })
  return value
}
