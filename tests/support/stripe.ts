import { randomBytes } from 'node:crypto'
import Stripe from 'stripe'

export const WEBHOOK_SECRET = 'whsec_test_momentum_local'
const stripe = new Stripe('sk_test_signing_only')

let clock = Math.floor(Date.now() / 1000)
/** Event times that increase in the order events are made (tests reorder deliveries on purpose). */
export const nextCreated = () => ++clock

export function stripeEvent(type: string, object: Record<string, unknown>, created = nextCreated()) {
  return {
    id: `evt_${randomBytes(8).toString('hex')}`,
    object: 'event',
    api_version: '2026-01-01',
    created,
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  }
}

export function subscription(input: {
  tenantId?: string
  customer: string
  lookupKey: string
  status?: string
  quantity?: number
  cancelAtPeriodEnd?: boolean
  id?: string
}) {
  const periodEnd = Math.floor(Date.now() / 1000) + 30 * 86400
  return {
    id: input.id ?? `sub_${input.customer}`,
    object: 'subscription',
    customer: input.customer,
    status: input.status ?? 'active',
    cancel_at_period_end: input.cancelAtPeriodEnd ?? false,
    metadata: input.tenantId ? { tenantId: input.tenantId } : {},
    items: {
      object: 'list',
      data: [
        {
          id: 'si_1',
          object: 'subscription_item',
          quantity: input.quantity ?? 1,
          current_period_end: periodEnd,
          price: {
            id: `price_${input.lookupKey}`,
            object: 'price',
            lookup_key: input.lookupKey,
            recurring: { interval: input.lookupKey.endsWith('yearly') ? 'year' : 'month' },
          },
        },
      ],
    },
  }
}

export function invoice(input: { customer: string, id?: string, amount?: number }) {
  return {
    id: input.id ?? `in_${randomBytes(6).toString('hex')}`,
    object: 'invoice',
    customer: input.customer,
    status: 'open',
    amount_due: input.amount ?? 4900,
    amount_paid: 0,
    currency: 'usd',
    hosted_invoice_url: 'https://invoice.stripe.local/i/1',
    period_end: Math.floor(Date.now() / 1000),
    created: Math.floor(Date.now() / 1000),
    metadata: {},
  }
}

/** Posts an event to the app's webhook with a real Stripe signature (or a wrong one). */
export async function deliver(baseURL: string, event: object, secret = WEBHOOK_SECRET) {
  const payload = JSON.stringify(event)
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret })
  const response = await fetch(`${baseURL}/api/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
    body: payload,
  })
  return { status: response.status, body: await response.json().catch(() => null) }
}

/** Puts a tenant on a paid plan the way Stripe does: a signed subscription event. */
export async function subscribe(baseURL: string, tenantId: string, lookupKey = 'enterprise_monthly', created = nextCreated()) {
  const customer = `cus_${tenantId.slice(0, 8)}`
  const answer = await deliver(
    baseURL,
    stripeEvent('customer.subscription.created', subscription({ tenantId, customer, lookupKey }), created),
  )
  if (answer.status !== 200) throw new Error(`subscribe: ${answer.status} ${JSON.stringify(answer.body)}`)
  return customer
}
