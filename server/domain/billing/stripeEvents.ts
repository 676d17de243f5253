import type Stripe from 'stripe'
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
      invoice: { id: string, status: string, amountDue: number, amountPaid: number, currency: string, hostedInvoiceUrl: string | null, periodEnd: Date | null, createdAt: Date }
    }
    | { kind: 'entitlements', customerId: string, lookupKeys: string[] }
    | { kind: 'ignored', type: string }

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === 'string' ? value : value?.id) ?? null
const seconds = (value: number | null | undefined) => (value ? new Date(value * 1000) : null)
const tenantFrom = (metadata: Stripe.Metadata | null | undefined, reference?: string | null) =>
  metadata?.tenantId ?? reference ?? null

/** Maps a Stripe event to a billing change. Pure; unknown types are `ignored`. */
export function mapStripeEvent(event: Stripe.Event): BillingChange {
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object
      return { kind: 'checkout', customerId: idOf(session.customer)!, tenantId: tenantFrom(session.metadata, session.client_reference_id), subscriptionId: idOf(session.subscription) }
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
