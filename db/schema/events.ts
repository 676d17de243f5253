import { sql } from 'drizzle-orm'
import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { tenantId } from './_shared'
import { tenants } from './tenancy'

export const EVENT_TYPES = [
  'call', 'meeting_scheduled', 'meeting_held', 'note',
  'email_sent', 'email_received', 'email_delivered', 'email_opened', 'email_clicked', 'email_bounced',
  'email_spam_report', 'email_unsubscribed',
  'stage_changed', 'deal_created', 'deal_updated', 'task_completed',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

/**
 * Every piece of activity, from every source, stored once. Append-only.
 *
 * The table is `PARTITION BY RANGE (occurred_at)`, one partition per month plus a default one;
 * drizzle-kit has no syntax for that, so migration 0000 was edited by hand to add it and 0001
 * adds the default partition and the partition upkeep function. A primary key on a partitioned
 * table must contain the partition key, hence `(tenant_id, occurred_at, id)`.
 */
export const events = pgTable('events', {
  tenantId: tenantId(),
  id: uuid('id').notNull().defaultRandom(),
  occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
  type: text('type').$type<EventType>().notNull(),
  source: text('source').notNull(),
  externalId: text('external_id'),
  actorUserId: uuid('actor_user_id'),
  actorEmail: text('actor_email'),
  dealId: uuid('deal_id'),
  contactId: uuid('contact_id'),
  accountId: uuid('account_id'),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, t => [
  primaryKey({ name: 'events_pk', columns: [t.tenantId, t.occurredAt, t.id] }),
  // Hot read 1: the events of a deal by time.
  index('events_tenant_deal_time_idx').on(t.tenantId, t.dealId, t.occurredAt),
  // Hot read 2: the events of a user in a time range.
  index('events_tenant_actor_time_idx').on(t.tenantId, t.actorUserId, t.occurredAt),
  index('events_tenant_contact_time_idx').on(t.tenantId, t.contactId, t.occurredAt),
  index('events_tenant_account_time_idx').on(t.tenantId, t.accountId, t.occurredAt),
  // The stage history (typical time in each stage, for momentum; conversion and cycle analytics).
  index('events_tenant_stage_changes_idx').on(t.tenantId, t.occurredAt).where(sql`${t.type} = 'stage_changed'`),
])

/**
 * Idempotency for `events`: a unique key on the partitioned table would have to contain
 * `occurred_at`, so the same source event re-sent with another time would slip through.
 * This small unpartitioned table holds one row per `(tenant, source, external id)`, written
 * in the same transaction as the event; a concurrent duplicate waits on its unique index.
 */
export const eventKeys = pgTable('event_keys', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  source: text('source').notNull(),
  externalId: text('external_id').notNull(),
  eventId: uuid('event_id').notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
}, t => [
  primaryKey({ name: 'event_keys_pk', columns: [t.tenantId, t.source, t.externalId] }),
])
