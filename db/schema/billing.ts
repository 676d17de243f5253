import { sql } from 'drizzle-orm'
import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { tenantId } from './_shared'
import { planEnum, tenants } from './tenancy'

/**
 * The tenant's subscription as Stripe's webhooks last described it. Capabilities are derived
 * from it on read (server/domain/billing/capabilities.ts), so a Stripe outage changes nothing.
 */
export const tenantBilling = pgTable('tenant_billing', {
  tenantId: tenantId().primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
  stripeCustomerId: text('stripe_customer_id'),
  stripeSubscriptionId: text('stripe_subscription_id'),
  plan: planEnum('plan').notNull().default('free'),
  interval: text('interval'),
  status: text('status').notNull().default('none'),
  seats: integer('seats'),
  currentPeriodEnd: timestamp('current_period_end', { withTimezone: true, mode: 'date' }),
  cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
  pastDueSince: timestamp('past_due_since', { withTimezone: true, mode: 'date' }),
  entitlements: text('entitlements').array().notNull().default([]),
  /** `created` of the newest subscription event applied: an older one never overwrites newer state. */
  subscriptionEventAt: timestamp('subscription_event_at', { withTimezone: true, mode: 'date' }),
  entitlementsEventAt: timestamp('entitlements_event_at', { withTimezone: true, mode: 'date' }),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, t => [
  uniqueIndex('tenant_billing_customer_uq').on(t.stripeCustomerId).where(sql`${t.stripeCustomerId} is not null`),
])

export const invoices = pgTable('invoices', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  stripeInvoiceId: text('stripe_invoice_id').notNull(),
  status: text('status').notNull(),
  amountDue: integer('amount_due').notNull().default(0),
  amountPaid: integer('amount_paid').notNull().default(0),
  currency: text('currency').notNull().default('usd'),
  hostedInvoiceUrl: text('hosted_invoice_url'),
  periodEnd: timestamp('period_end', { withTimezone: true, mode: 'date' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
}, t => [
  primaryKey({ name: 'invoices_pk', columns: [t.tenantId, t.stripeInvoiceId] }),
  index('invoices_tenant_created_idx').on(t.tenantId, t.createdAt),
])

/** Stripe event ids already handled (webhooks are delivered at least once). Not tenant data. */
export const stripeEvents = pgTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  tenantId: uuid('tenant_id'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})
