import { sql } from 'drizzle-orm'
import { foreignKey, index, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { id, tenantId } from './_shared'
import { tenants } from './tenancy'

export const EMAIL_PROVIDERS = ['sendgrid', 'mailgun', 'postmark'] as const
export type EmailProvider = (typeof EMAIL_PROVIDERS)[number]
export const emailProviderEnum = pgEnum('email_provider', EMAIL_PROVIDERS)

/**
 * A tenant's email provider: where its webhooks come from and how they are verified. The
 * verification secret (SendGrid public key, Mailgun signing key, Postmark basic-auth pair) and
 * the inbound token are stored encrypted with ENCRYPTION_KEY and never returned.
 */
export const emailConnections = pgTable('email_connections', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  provider: emailProviderEnum('provider').notNull(),
  /** AES-256-GCM sealed JSON: `{ verification, inboundToken }`. */
  secrets: text('secrets').notNull(),
  createdById: uuid('created_by_id'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, t => [
  primaryKey({ name: 'email_connections_pk', columns: [t.tenantId, t.id] }),
  uniqueIndex('email_connections_id_uq').on(t.id),
])

export const EMAIL_DIRECTIONS = ['sent', 'received'] as const
export const emailDirectionEnum = pgEnum('email_direction', EMAIL_DIRECTIONS)

/**
 * Emails we know by their Message-ID: the ones the app sends or logs (with the provider's id,
 * so tracking events find their deal) and the replies that come in (threaded by In-Reply-To and
 * References). A reply that matches no one is kept here for review (`deal_id` and `contact_id` null).
 */
export const emailMessages = pgTable('email_messages', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  direction: emailDirectionEnum('direction').notNull(),
  messageId: text('message_id').notNull(),
  providerMessageId: text('provider_message_id'),
  inReplyTo: text('in_reply_to'),
  dealId: uuid('deal_id'),
  contactId: uuid('contact_id'),
  fromAddress: text('from_address'),
  toAddress: text('to_address'),
  subject: text('subject'),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
  lastClickAt: timestamp('last_click_at', { withTimezone: true, mode: 'date' }),
  lastClickUrl: text('last_click_url'),
  /** A received email as the provider posted it (raw MIME, or its parse fields as JSON), capped; kept for the tenant's retention period. */
  rawPayload: text('raw_payload'),
  rawReceivedAt: timestamp('raw_received_at', { withTimezone: true, mode: 'date' }),
}, t => [
  primaryKey({ name: 'email_messages_pk', columns: [t.tenantId, t.id] }),
  uniqueIndex('email_messages_message_id_uq').on(t.tenantId, t.messageId),
  index('email_messages_provider_id_idx').on(t.tenantId, t.providerMessageId).where(sql`${t.providerMessageId} is not null`),
  index('email_messages_raw_idx').on(t.tenantId, t.rawReceivedAt).where(sql`${t.rawPayload} is not null`),
  index('email_messages_unmatched_idx').on(t.tenantId, t.at).where(sql`${t.direction} = 'received' and ${t.contactId} is null`),
  foreignKey({ name: 'email_messages_tenant_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
])

/** Mailgun webhook tokens already seen (replay protection), kept for the freshness window. */
export const webhookTokens = pgTable('webhook_tokens', {
  connectionId: uuid('connection_id').notNull(),
  token: text('token').notNull(),
  seenAt: timestamp('seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, t => [
  primaryKey({ name: 'webhook_tokens_pk', columns: [t.connectionId, t.token] }),
])
