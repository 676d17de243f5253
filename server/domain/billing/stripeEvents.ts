import type Stripe from 'stripe'
import { z } from 'zod'
import { planForLookupKey, type PlanKey } from './plans'

/** What a Stripe event means for a tenant's billing, independent of how it is stored. */
export type BillingChange
  = | { kind: 'checkout', customerId: string, tenantId: string | null, subscriptionId: string | null }
    | {
      kind: 'subscription'
      customerId: string
      tenantId: string | null
      subscriptionId: string
      status: string
      plan: PlanKey | null
      interval: string | null
      seats: number | null
      currentPeriodEnd: Date | null
      cancelAtPeriodEnd: boolean
    }
    | {
      kind: 'invoice'
      customerId: string
      tenantId: string | null
      failed: boolean
      invoice: {
        id: string
        status: string
        amountDue: number
        amountPaid: number
        currency: string
        hostedInvoiceUrl: string | null
        periodEnd: Date | null
        createdAt: Date
      }
    }
    | { kind: 'entitlements', customerId: string, lookupKeys: string[] }
    | { kind: 'ignored', type: string }
    | { kind: 'invalid', issues: { path: string, message: string }[] }

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === 'string' ? value : value?.id) ?? null
const seconds = (value: number | null | undefined) => (value ? new Date(value * 1000) : null)
const tenantFrom = (metadata: Stripe.Metadata | null | undefined, reference?: string | null) =>
  metadata?.tenantId ?? reference ?? null

// The fields of each event the mapping reads. A signed event need not have them (a test event,
// an API version we do not know): such an event is `invalid` (400, nothing stored), never a crash.
const epoch = z.number().int().min(0).max(253_402_300_799)
const ref = z.union([z.string().min(1).max(255), z.object({ id: z.string().min(1).max(255) })])
const metadata = z.record(z.string(), z.string()).nullish()
const ENVELOPE = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  created: epoch,
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
})
const SUBSCRIPTION = z.object({
  id: z.string().min(1).max(255),
  customer: ref,
  metadata,
  status: z.string().max(64),
  cancel_at_period_end: z.boolean(),
  items: z.object({
    data: z.array(
      z.object({
        quantity: z.number().int().min(0).nullish(),
        current_period_end: epoch.nullish(),
        price: z.object({ lookup_key: z.string().max(255).nullish(), recurring: z.object({ interval: z.string().max(32) }).nullish() }),
      }),
    ),
  }),
})
const INVOICE = z.object({
  id: z.string().min(1).max(255),
  customer: ref,
  metadata,
  status: z.string().max(64).nullish(),
  amount_due: z.number().int(),
  amount_paid: z.number().int(),
  currency: z.string().max(10),
  hosted_invoice_url: z.string().max(2000).nullish(),
  period_end: epoch.nullish(),
  created: epoch,
})
const OBJECTS: Record<string, z.ZodType> = {
  'checkout.session.completed': z.object({
    customer: ref,
    metadata,
    client_reference_id: z.string().max(255).nullish(),
    subscription: ref.nullish(),
  }),
  'customer.subscription.created': SUBSCRIPTION,
  'customer.subscription.updated': SUBSCRIPTION,
  'customer.subscription.deleted': SUBSCRIPTION,
  'invoice.paid': INVOICE,
  'invoice.payment_failed': INVOICE,
  'entitlements.active_entitlement_summary.updated': z.object({
    customer: z.string().min(1).max(255),
    entitlements: z.object({ data: z.array(z.object({ lookup_key: z.string().max(255) })) }),
  }),
}

const issuesOf = (error: z.ZodError, prefix: string) =>
  error.issues.map(i => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'), message: i.message }))

/** Maps a Stripe event to a billing change. Pure; unknown types are `ignored`, unreadable ones `invalid`. */
export function mapStripeEvent(event: Stripe.Event): BillingChange {
  const envelope = ENVELOPE.safeParse(event)
  if (!envelope.success) return { kind: 'invalid', issues: issuesOf(envelope.error, '') }
  const schema = OBJECTS[event.type]
  const object = schema?.safeParse(event.data.object)
  if (object && !object.success) return { kind: 'invalid', issues: issuesOf(object.error, 'data.object') }
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object
      return {
        kind: 'checkout',
        customerId: idOf(session.customer)!,
        tenantId: tenantFrom(session.metadata, session.client_reference_id),
        subscriptionId: idOf(session.subscription),
      }
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const subscription = event.data.object
      const item = subscription.items.data[0]
      const price = planForLookupKey(item?.price.lookup_key)
      return {
        kind: 'subscription',
        customerId: idOf(subscription.customer)!,
        tenantId: tenantFrom(subscription.metadata),
        subscriptionId: subscription.id,
        status: event.type === 'customer.subscription.deleted' ? 'canceled' : subscription.status,
        plan: price?.plan ?? null,
        interval: price?.interval ?? item?.price.recurring?.interval ?? null,
        seats: item?.quantity ?? null,
        currentPeriodEnd: seconds(item?.current_period_end),
        cancelAtPeriodEnd: subscription.cancel_at_period_end,
      }
    }
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const invoice = event.data.object
      return {
        kind: 'invoice',
        customerId: idOf(invoice.customer)!,
        tenantId: tenantFrom(invoice.metadata),
        failed: event.type === 'invoice.payment_failed',
        invoice: {
          id: invoice.id!,
          status: event.type === 'invoice.paid' ? 'paid' : (invoice.status ?? 'open'),
          amountDue: invoice.amount_due,
          amountPaid: invoice.amount_paid,
          currency: invoice.currency,
          hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
          periodEnd: seconds(invoice.period_end),
          createdAt: seconds(invoice.created)!,
        },
      }
    }
    case 'entitlements.active_entitlement_summary.updated': {
      const summary = event.data.object
      return { kind: 'entitlements', customerId: summary.customer, lookupKeys: summary.entitlements.data.map(e => e.lookup_key) }
    }
    default:
      return { kind: 'ignored', type: event.type }
  }
}
