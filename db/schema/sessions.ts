import { sql } from 'drizzle-orm'
import { foreignKey, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { id, tenantId } from './_shared'
import { tenants, users } from './tenancy'

/**
 * Server-side sessions: one row per sign-in, named by the sealed cookie (`secure.sessionId`).
 * A session whose row is ended (sign-out, ended from "My account" or by an admin, a password
 * reset) or missing is refused at the next request.
 */
export const userSessions = pgTable('user_sessions', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  userId: uuid('user_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  /** Touched at most once a minute while the session is used. */
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  ip: text('ip'),
  userAgent: text('user_agent'),
  endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
}, t => [
  primaryKey({ name: 'user_sessions_pk', columns: [t.tenantId, t.id] }),
  foreignKey({ name: 'user_sessions_user_fk', columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] })
    .onDelete('cascade'),
  index('user_sessions_active_idx').on(t.tenantId, t.userId).where(sql`${t.endedAt} is null`),
])

/**
 * Password reset links: single-use, expiring. Only a sha256 of the token is kept; a reset finds
 * its row by that hash before the tenant is known (the `app.reset_token_hash` lookup).
 */
export const passwordResets = pgTable('password_resets', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  userId: uuid('user_id').notNull(),
  tokenHash: text('token_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
}, t => [
  primaryKey({ name: 'password_resets_pk', columns: [t.tenantId, t.id] }),
  uniqueIndex('password_resets_token_uq').on(t.tokenHash),
  foreignKey({ name: 'password_resets_user_fk', columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] })
    .onDelete('cascade'),
])
