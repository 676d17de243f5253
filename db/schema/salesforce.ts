import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { tenantId, timestamps } from './_shared'
import { tenants } from './tenancy'

export const SALESFORCE_AUTH_FLOWS = ['client_credentials', 'refresh_token'] as const
export type SalesforceAuthFlow = (typeof SALESFORCE_AUTH_FLOWS)[number]

/** `needs_reauth`: the token endpoint refused the grant; the scheduler leaves it alone until an admin reconnects. */
export const SALESFORCE_STATUSES = ['active', 'needs_reauth'] as const
export type SalesforceStatus = (typeof SALESFORCE_STATUSES)[number]

/** The Salesforce objects a sync reads, in the order it reads them (references point backwards). */
export const SALESFORCE_OBJECTS = ['Account', 'Contact', 'Opportunity', 'OpportunityContactRole', 'Task', 'Event'] as const
export type SalesforceObject = (typeof SALESFORCE_OBJECTS)[number]

/** What one run did for one object. */
export interface ObjectRunSummary {
  object: SalesforceObject
  /** Records read from Salesforce (deleted ones included). */
  in: number
  created: number
  updated: number
  deleted: number
  /** Rows and events written here: created + updated + deleted. */
  out: number
  skipped: number
  pages: number
}

export interface SalesforceRunSummary {
  startedAt: string
  finishedAt: string
  durationMs: number
  status: 'done' | 'failed' | 'paused' | 'needs_reauth'
  error: string | null
  objects: ObjectRunSummary[]
  /** Waits made because of Salesforce's API usage (ms each). */
  limitWaits: number[]
  /** Transient failures retried (5xx, network). */
  retries: number
  tokenRefreshes: number
}

/**
 * A tenant's Salesforce org: where it is, how the app signs in (OAuth 2.0 client credentials, or
 * the web-server flow's refresh token), and the state of its schedule. The client secret, the
 * refresh token and the current access token are sealed together with ENCRYPTION_KEY in
 * `secrets` and never returned. `lease_until` makes a sync single-flight across processes.
 */
export const salesforceConnections = pgTable('salesforce_connections', {
  tenantId: tenantId().primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
  instanceUrl: text('instance_url').notNull(),
  loginUrl: text('login_url').notNull(),
  authFlow: text('auth_flow').$type<SalesforceAuthFlow>().notNull(),
  clientId: text('client_id').notNull(),
  /** AES-256-GCM sealed JSON: `{ clientSecret, refreshToken?, accessToken? }`. */
  secrets: text('secrets').notNull(),
  intervalMinutes: integer('interval_minutes').notNull().default(15),
  /** Salesforce StageName -> the tenant's stage key, over the defaults. */
  stageMap: jsonb('stage_map').$type<Record<string, string>>().notNull().default({}),
  status: text('status').$type<SalesforceStatus>().notNull().default('active'),
  nextRunAt: timestamp('next_run_at', { withTimezone: true, mode: 'date' }),
  lastRun: jsonb('last_run').$type<SalesforceRunSummary>(),
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true, mode: 'date' }),
  lastError: text('last_error'),
  lastErrorAt: timestamp('last_error_at', { withTimezone: true, mode: 'date' }),
  /** The API usage Salesforce reported last (`Sforce-Limit-Info: api-usage=N/M`). */
  apiUsage: jsonb('api_usage').$type<{ used: number, limit: number, at: string }>(),
  leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
  leaseOwner: uuid('lease_owner'),
  createdById: uuid('created_by_id'),
  ...timestamps,
})

/**
 * Per object: the watermark (the highest SystemModstamp committed; it advances only with a
 * committed page), what the last run read and wrote, and when the object was last caught up.
 */
export const salesforceSyncState = pgTable('salesforce_sync_state', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  object: text('object').$type<SalesforceObject>().notNull(),
  watermark: timestamp('watermark', { withTimezone: true, mode: 'date' }),
  lastRunIn: integer('last_run_in').notNull().default(0),
  lastRunOut: integer('last_run_out').notNull().default(0),
  totalIn: integer('total_in').notNull().default(0),
  totalOut: integer('total_out').notNull().default(0),
  /** The start of the last run that read this object to its end: nothing older is missing. */
  caughtUpAt: timestamp('caught_up_at', { withTimezone: true, mode: 'date' }),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, t => [
  primaryKey({ name: 'salesforce_sync_state_pk', columns: [t.tenantId, t.object] }),
])
