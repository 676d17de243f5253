import { and, eq, sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { AppDatabase } from '../../../db/client'
import { invoices, stripeEvents, tenantBilling, tenants } from '../../../db/schema'
import { withLookup, withTenant, type Tx } from '../core/db'
import { publish } from '../events/bus'
import { invalidInput } from '../core/errors'
import { mapStripeEvent, type BillingChange } from './stripeEvents'

export type ApplyOutcome = 'applied' | 'duplicate' | 'ignored' | 'stale' | 'unmatched'

async function tenantOf(db: AppDatabase, change: BillingChange): Promise<string | null> {
  if (change.kind === 'ignored' || change.kind === 'invalid') return null
  if ('tenantId' in change && change.tenantId) return change.tenantId
  const [row] = await withLookup(db, { stripeCustomerId: change.customerId }, tx =>
    tx.select({ tenantId: tenantBilling.tenantId }).from(tenantBilling).where(eq(tenantBilling.stripeCustomerId, change.customerId)))
  return row?.tenantId ?? null
}

/** Marks the event handled; false when it was handled before (Stripe delivers at least once). */
async function claim(tx: Tx, event: Stripe.Event, tenantId: string | null) {
  const claimed = await tx
    .insert(stripeEvents)
    .values({ id: event.id, type: event.type, tenantId, createdAt: new Date(event.created * 1000) })
    .onConflictDoNothing()
    .returning({ id: stripeEvents.id })
  return claimed.length > 0
}

async function billingRow(tx: Tx, tenantId: string) {
  await tx.insert(tenantBilling).values({ tenantId }).onConflictDoNothing()
  const [row] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, tenantId)).for('update')
  return row!
}

/**
 * Applies a verified Stripe event to the local billing tables, in one transaction with the record
 * that it was handled: the same event twice has one effect. Out-of-order safe without calling
 * Stripe back: subscription and entitlement state only move forward in event time (`created`).
 */
export async function applyStripeEvent(db: AppDatabase, event: Stripe.Event): Promise<{ outcome: ApplyOutcome, tenantId: string | null }> {
  const change = mapStripeEvent(event)
  if (change.kind === 'invalid') throw invalidInput(change.issues)
  const tenantId = await tenantOf(db, change)
  if (!tenantId) {
    const first = await withLookup(db, {}, tx => claim(tx, event, null))
    return { outcome: first && change.kind !== 'ignored' ? 'unmatched' : first ? 'ignored' : 'duplicate', tenantId: null }
  }
  const at = new Date(event.created * 1000)
  const outcome = await withTenant(db, tenantId, async (tx): Promise<ApplyOutcome> => {
    if (!await claim(tx, event, tenantId)) return 'duplicate'
    const result = await applyChange(tx, tenantId, change, at)
    // Every process drops its cached capabilities for the tenant when this commits.
    if (result === 'applied') await publish(tx, [{ tenantId, topic: 'billing.changed', data: { event: event.type } }])
    return result
  })
  return { outcome, tenantId }
}

async function applyChange(tx: Tx, tenantId: string, change: BillingChange, at: Date): Promise<ApplyOutcome> {
  if (change.kind === 'ignored' || change.kind === 'invalid') return 'ignored'
  const row = await billingRow(tx, tenantId)
  const set = (values: Partial<typeof tenantBilling.$inferInsert>) =>
    tx.update(tenantBilling).set({ ...values, updatedAt: new Date() }).where(eq(tenantBilling.tenantId, tenantId))
  const newer = (last: Date | null) => !last || at >= last

  switch (change.kind) {
    case 'checkout':
      await set({ stripeCustomerId: change.customerId, stripeSubscriptionId: row.stripeSubscriptionId ?? change.subscriptionId })
      return 'applied'
    case 'subscription': {
      if (!newer(row.subscriptionEventAt)) return 'stale'
      await set({
        stripeCustomerId: change.customerId,
        stripeSubscriptionId: change.subscriptionId,
        plan: change.plan ?? row.plan,
        interval: change.interval,
        status: change.status,
        seats: change.seats,
        currentPeriodEnd: change.currentPeriodEnd,
        cancelAtPeriodEnd: change.cancelAtPeriodEnd,
        pastDueSince: change.status === 'past_due' ? (row.pastDueSince ?? at) : null,
        subscriptionEventAt: at,
      })
      const plan = change.status === 'canceled' ? 'free' : (change.plan ?? row.plan)
      await tx.update(tenants).set({ plan, updatedAt: new Date() }).where(eq(tenants.id, tenantId))
      return 'applied'
    }
    case 'invoice': {
      await tx
        .insert(invoices)
        .values({ tenantId, stripeInvoiceId: change.invoice.id, ...change.invoice })
        .onConflictDoUpdate({
          target: [invoices.tenantId, invoices.stripeInvoiceId],
          set: { status: change.invoice.status, amountPaid: change.invoice.amountPaid },
        })
      if (!newer(row.subscriptionEventAt)) return 'stale'
      if (change.failed) await set({ status: 'past_due', pastDueSince: row.pastDueSince ?? at, subscriptionEventAt: at })
      else if (row.status === 'past_due') await set({ status: 'active', pastDueSince: null, subscriptionEventAt: at })
      return 'applied'
    }
    case 'entitlements':
      if (!newer(row.entitlementsEventAt)) return 'stale'
      await set({ entitlements: change.lookupKeys, entitlementsEventAt: at })
      return 'applied'
  }
}

/** The tenant's billing state and invoices, from the local tables only. */
export async function loadBilling(tx: Tx, tenantId: string) {
  const [billing] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, tenantId))
  const [tenant] = await tx.select({ plan: tenants.plan }).from(tenants).where(eq(tenants.id, tenantId))
  const history = await tx.select().from(invoices).where(eq(invoices.tenantId, tenantId)).orderBy(sql`${invoices.createdAt} desc`).limit(24)
  return { billing: billing ?? null, tenantPlan: tenant?.plan ?? 'free', invoices: history }
}

/** The Stripe customer of a tenant, made once and remembered. */
export async function rememberCustomer(tx: Tx, tenantId: string, customerId: string) {
  await tx
    .insert(tenantBilling)
    .values({ tenantId, stripeCustomerId: customerId })
    .onConflictDoUpdate({
      target: tenantBilling.tenantId,
      set: { stripeCustomerId: customerId, updatedAt: new Date() },
      where: and(eq(tenantBilling.tenantId, tenantId), sql`${tenantBilling.stripeCustomerId} is null`),
    })
}
