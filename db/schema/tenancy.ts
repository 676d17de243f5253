import { sql } from 'drizzle-orm'
import {
  bigserial,
  boolean,
  char,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { id, PLANS, ROLES, tenantId, timestamps } from './_shared'

export const planEnum = pgEnum('plan', PLANS)
export const roleEnum = pgEnum('role', ROLES)

export const tenants = pgTable('tenants', {
  id: id().primaryKey(),
  name: text('name').notNull(),
  plan: planEnum('plan').notNull().default('free'),
  /** Days raw inbound email payloads are kept (the `email:retention` task strips older ones). */
  emailPayloadRetentionDays: integer('email_payload_retention_days').notNull().default(30),
  /** The ISO 4217 code the tenant's totals are shown in (board columns, forecasts); deals keep their own. */
  currency: char('currency', { length: 3 }).notNull().default('USD'),
  /** Every member must sign in with a second factor (TOTP); those without one are sent to enrol. */
  requireMfa: boolean('require_mfa').notNull().default(false),
  ...timestamps,
}, t => [
  check('tenants_currency_ck', sql`${t.currency} ~ '^[A-Z]{3}$'`),
])

export const teams = pgTable('teams', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  name: text('name').notNull(),
  managerId: uuid('manager_id'),
  ...timestamps,
}, t => [
  primaryKey({ name: 'teams_pk', columns: [t.tenantId, t.id] }),
])

export const users = pgTable('users', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  role: roleEnum('role').notNull().default('rep'),
  teamId: uuid('team_id'),
  passwordHash: text('password_hash'),
  active: boolean('active').notNull().default(true),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  /** sha256 of the one-time invite token (the token itself is only ever shown to the inviter). */
  inviteTokenHash: text('invite_token_hash'),
  inviteExpiresAt: timestamp('invite_expires_at', { withTimezone: true, mode: 'date' }),
  /**
   * Stored in every session at sign-in and compared whenever the caller is loaded: bumped at
   * deactivation, a role change, a password reset and an admin ending them, it ends every older session.
   */
  sessionVersion: integer('session_version').notNull().default(1),
  ...timestamps,
}, t => [
  primaryKey({ name: 'users_pk', columns: [t.tenantId, t.id] }),
  uniqueIndex('users_tenant_email_uq').on(t.tenantId, sql`lower(${t.email})`),
  // Sign-in finds a user by email alone, so a login email is unique across tenants.
  uniqueIndex('users_login_email_uq').on(sql`lower(${t.email})`).where(sql`${t.passwordHash} is not null`),
  index('users_tenant_team_idx').on(t.tenantId, t.teamId),
  uniqueIndex('users_invite_token_uq').on(t.inviteTokenHash).where(sql`${t.inviteTokenHash} is not null`),
  foreignKey({ name: 'users_team_fk', columns: [t.tenantId, t.teamId], foreignColumns: [teams.tenantId, teams.id] }),
])

/** Per-tenant API keys: `mk_<prefix>_<secret>`; only the prefix and a sha256 of the secret are kept. */
export const apiKeys = pgTable('api_keys', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  name: text('name').notNull(),
  prefix: text('prefix').notNull(),
  secretHash: text('secret_hash').notNull(),
  createdById: uuid('created_by_id').notNull(),
  /** `read`, `write`, `<area>:read`, `<area>:write` (shared/utils/apiScopes.ts); keys from before scopes have both. */
  scopes: text('scopes').array().notNull().default(sql`'{read,write}'::text[]`),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  /** Calls a minute; null is the default (API_KEY_RATE_PER_MINUTE). */
  ratePerMinute: integer('rate_per_minute'),
  /** The fixed one-minute window the key's calls are counted in, shared by every server process. */
  rateWindowStart: timestamp('rate_window_start', { withTimezone: true, mode: 'date' }),
  rateCount: integer('rate_count').notNull().default(0),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  createdAt: timestamps.createdAt,
}, t => [
  primaryKey({ name: 'api_keys_pk', columns: [t.tenantId, t.id] }),
  uniqueIndex('api_keys_prefix_uq').on(t.prefix),
  foreignKey({ name: 'api_keys_creator_fk', columns: [t.tenantId, t.createdById], foreignColumns: [users.tenantId, users.id] }),
])

/** Security-relevant actions, append-only (the app role may only insert and read). */
export const auditLog = pgTable('audit_log', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: bigserial('id', { mode: 'number' }).notNull(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  actorUserId: uuid('actor_user_id'),
  actorApiKeyId: uuid('actor_api_key_id'),
  action: text('action').notNull(),
  targetType: text('target_type'),
  targetId: text('target_id'),
  ip: text('ip'),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
}, t => [
  primaryKey({ name: 'audit_log_pk', columns: [t.tenantId, t.id] }),
  index('audit_log_tenant_at_idx').on(t.tenantId, t.at),
])

/**
 * Failed sign-ins per email and per address, across processes (not tenant data: a failed
 * sign-in has no tenant). A key is locked out for a while after too many failures.
 */
export const authThrottle = pgTable('auth_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
})
