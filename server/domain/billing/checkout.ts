import type Stripe from 'stripe'
import type { AppDatabase } from '../../../db/client'
import { withTenant } from '../core/db'
import { badRequest, DomainError } from '../core/errors'
import { loadBilling, rememberCustomer } from './apply'
import { PLAN_CONFIG, type PlanKey } from './plans'
import { countUsage } from './usage'

const unavailable = () => new DomainError(502, 'the billing provider cannot be reached right now: try again in a few minutes')

async function callStripe<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  }
  catch (error) {
    if (error instanceof DomainError) throw error
    throw unavailable()
  }
}

/** The tenant's Stripe customer: created the first time, then reused. */
async function customerOf(db: AppDatabase, stripe: Stripe, tenant: { id: string, name: string }, email: string) {
  const { billing } = await withTenant(db, tenant.id, tx => loadBilling(tx, tenant.id))
  if (billing?.stripeCustomerId) return billing.stripeCustomerId
  const customer = await callStripe(() =>
    stripe.customers.create({ name: tenant.name, email, metadata: { tenantId: tenant.id } }, { idempotencyKey: `customer-${tenant.id}` }),
  )
  await withTenant(db, tenant.id, tx => rememberCustomer(tx, tenant.id, customer.id))
  return customer.id
}

/**
 * A Stripe Checkout session for a subscription to `plan`: the price found by its lookup key, one
 * seat per active user for per-seat plans, the tenant named on the session and the subscription.
 */
export interface CheckoutInput {
  tenant: { id: string, name: string }
  email: string
  plan: PlanKey
  interval: 'month' | 'year'
  returnUrl: string
}

export async function startCheckout(db: AppDatabase, stripe: Stripe, input: CheckoutInput) {
  const lookupKey = (PLAN_CONFIG[input.plan].prices as Partial<Record<'month' | 'year', string>>)[input.interval]
  if (!lookupKey) throw badRequest('plan', `${input.plan} is not sold by the ${input.interval}`)
  const customer = await customerOf(db, stripe, input.tenant, input.email)
  const prices = await callStripe(() => stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 }))
  const price = prices.data[0]
  if (!price) throw new DomainError(502, `no active Stripe price has the lookup key ${lookupKey}`)
  const seats = PLAN_CONFIG[input.plan].perSeat ? await withTenant(db, input.tenant.id, tx => countUsage(tx, input.tenant.id, 'users')) : 1
  const session = await callStripe(() => stripe.checkout.sessions.create({
    mode: 'subscription',
    customer,
    client_reference_id: input.tenant.id,
    line_items: [{ price: price.id, quantity: seats }],
    subscription_data: { metadata: { tenantId: input.tenant.id } },
    metadata: { tenantId: input.tenant.id },
    success_url: `${input.returnUrl}?checkout=success`,
    cancel_url: `${input.returnUrl}?checkout=canceled`,
  }))
  return { url: session.url! }
}

/** A Stripe customer-portal session to manage payment details, invoices and cancellation. */
export async function openPortal(
  db: AppDatabase,
  stripe: Stripe,
  input: { tenant: { id: string, name: string }, email: string, returnUrl: string },
) {
  const customer = await customerOf(db, stripe, input.tenant, input.email)
  const session = await callStripe(() => stripe.billingPortal.sessions.create({ customer, return_url: input.returnUrl }))
  return { url: session.url }
}
