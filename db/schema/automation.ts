import { sql } from 'drizzle-orm'
import { boolean, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { id, tenantId, timestamps } from './_shared'
import { tenants } from './tenancy'

/** A rule's trigger, conditions and actions as the rule builder saves them (validated in server/domain/automation/schemas.ts). */
export type RuleTrigger = Record<string, unknown> & { kind: string }
export type RuleCondition = { field: string, op: string, value: unknown }
export type RuleAction = Record<string, unknown> & { kind: string }

/** A tenant's automation rule: when (trigger), if (conditions), then (actions). */
export const automationRules = pgTable('automation_rules', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  name: text('name').notNull(),
  trigger: jsonb('trigger').$type<RuleTrigger>().notNull(),
  conditions: jsonb('conditions').$type<RuleCondition[]>().notNull().default([]),
  actions: jsonb('actions').$type<RuleAction[]>().notNull(),
  active: boolean('active').notNull().default(true),
  createdById: uuid('created_by_id'),
  ...timestamps,
}, t => [
  primaryKey({ name: 'automation_rules_pk', columns: [t.tenantId, t.id] }),
])

/**
 * The run log, and what makes rules fire at most once: one row per rule and trigger occurrence
 * (an event's id, a task's due time, a deal's quiet spell), claimed before the actions run.
 */
export const automationRuns = pgTable(
  'automation_runs',
  {
    tenantId: tenantId(),
    id: id(),
    ruleId: uuid('rule_id').notNull(),
    occurrence: text('occurrence').notNull(),
    dealId: uuid('deal_id'),
    leadId: uuid('lead_id'),
    status: text('status').$type<'done' | 'failed'>().notNull(),
    results: jsonb('results').$type<Record<string, unknown>[]>().notNull().default([]),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  t => [
    primaryKey({ name: 'automation_runs_pk', columns: [t.tenantId, t.id] }),
    uniqueIndex('automation_runs_occurrence_uq').on(t.tenantId, t.ruleId, t.occurrence),
    index('automation_runs_rule_created_idx').on(t.tenantId, t.ruleId, t.createdAt),
    foreignKey({
      name: 'automation_runs_rule_fk',
      columns: [t.tenantId, t.ruleId],
      foreignColumns: [automationRules.tenantId, automationRules.id],
    }).onDelete('cascade'),
  ],
)

/**
 * Events waiting for the automation run (rules, webhooks, sequence stops): written by the event
 * writer in the events' own transaction while the tenant has active rules, webhooks or
 * sequences, deleted once processed — so nothing is lost across processes and restarts.
 */
export const automationQueue = pgTable('automation_queue', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  eventId: uuid('event_id').notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
  queuedAt: timestamp('queued_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, t => [
  primaryKey({ name: 'automation_queue_pk', columns: [t.tenantId, t.eventId] }),
])

/** An outbound webhook subscription; the signing secret is sealed with ENCRYPTION_KEY and shown once. */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  url: text('url').notNull(),
  events: text('events').array().notNull(),
  secret: text('secret').notNull(),
  active: boolean('active').notNull().default(true),
  disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
  disabledReason: text('disabled_reason'),
  createdById: uuid('created_by_id'),
  createdAt: timestamps.createdAt,
}, t => [
  primaryKey({ name: 'webhook_subscriptions_pk', columns: [t.tenantId, t.id] }),
])

/** One event to one subscription: retried with backoff for a day; unique per subscription and event. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    tenantId: tenantId(),
    id: id(),
    subscriptionId: uuid('subscription_id').notNull(),
    eventKey: text('event_key').notNull(),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<'pending' | 'delivered' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  t => [
    primaryKey({ name: 'webhook_deliveries_pk', columns: [t.tenantId, t.id] }),
    uniqueIndex('webhook_deliveries_event_uq').on(t.tenantId, t.subscriptionId, t.eventKey),
    index('webhook_deliveries_due_idx')
      .on(t.tenantId, t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_subscription_idx').on(t.tenantId, t.subscriptionId, t.createdAt),
    foreignKey({
      name: 'webhook_deliveries_subscription_fk',
      columns: [t.tenantId, t.subscriptionId],
      foreignColumns: [webhookSubscriptions.tenantId, webhookSubscriptions.id],
    }).onDelete('cascade'),
  ],
)

/** Every attempt of a delivery, with the receiver's status code (or the network error). */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    tenantId: tenantId(),
    deliveryId: uuid('delivery_id').notNull(),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  t => [
    primaryKey({ name: 'webhook_attempts_pk', columns: [t.tenantId, t.deliveryId, t.attempt] }),
    foreignKey({
      name: 'webhook_attempts_delivery_fk',
      columns: [t.tenantId, t.deliveryId],
      foreignColumns: [webhookDeliveries.tenantId, webhookDeliveries.id],
    }).onDelete('cascade'),
  ],
)

export interface SequenceStep { subject: string, body: string, waitDays: number }

/** A multi-step email sequence (templates with merge fields; waits in business days). */
export const sequences = pgTable('sequences', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  name: text('name').notNull(),
  steps: jsonb('steps').$type<SequenceStep[]>().notNull(),
  createdById: uuid('created_by_id'),
  ...timestamps,
}, t => [
  primaryKey({ name: 'sequences_pk', columns: [t.tenantId, t.id] }),
])

export const ENROLMENT_STATUSES = ['active', 'completed', 'replied', 'bounced', 'unsubscribed'] as const
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number]

/** A contact going through a sequence, sent by one user; stops when the contact replies, bounces or unsubscribes. */
export const sequenceEnrolments = pgTable(
  'sequence_enrolments',
  {
    tenantId: tenantId(),
    id: id(),
    sequenceId: uuid('sequence_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    dealId: uuid('deal_id'),
    senderId: uuid('sender_id').notNull(),
    status: text('status').$type<EnrolmentStatus>().notNull().default('active'),
    nextStep: integer('next_step').notNull().default(0),
    nextDueAt: timestamp('next_due_at', { withTimezone: true, mode: 'date' }),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  t => [
    primaryKey({ name: 'sequence_enrolments_pk', columns: [t.tenantId, t.id] }),
    uniqueIndex('sequence_enrolments_active_uq')
      .on(t.tenantId, t.sequenceId, t.contactId)
      .where(sql`${t.status} = 'active'`),
    index('sequence_enrolments_due_idx')
      .on(t.tenantId, t.nextDueAt)
      .where(sql`${t.status} = 'active'`),
    index('sequence_enrolments_contact_idx').on(t.tenantId, t.contactId),
    foreignKey({
      name: 'sequence_enrolments_sequence_fk',
      columns: [t.tenantId, t.sequenceId],
      foreignColumns: [sequences.tenantId, sequences.id],
    }).onDelete('cascade'),
  ],
)

/** Each step sent (once per enrolment and step), with its Message-ID; counts toward the sender's daily limit. */
export const sequenceSends = pgTable(
  'sequence_sends',
  {
    tenantId: tenantId(),
    enrolmentId: uuid('enrolment_id').notNull(),
    step: integer('step').notNull(),
    senderId: uuid('sender_id').notNull(),
    messageId: text('message_id').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  t => [
    primaryKey({ name: 'sequence_sends_pk', columns: [t.tenantId, t.enrolmentId, t.step] }),
    index('sequence_sends_sender_idx').on(t.tenantId, t.senderId, t.sentAt),
    foreignKey({
      name: 'sequence_sends_enrolment_fk',
      columns: [t.tenantId, t.enrolmentId],
      foreignColumns: [sequenceEnrolments.tenantId, sequenceEnrolments.id],
    }).onDelete('cascade'),
  ],
)
