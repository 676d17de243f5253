import { foreignKey, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { id, tenantId, timestamps } from './_shared'
import { tenants, users } from './tenancy'

/**
 * A user's TOTP second factor. The secret is sealed (AES-256-GCM under ENCRYPTION_KEY): while
 * enrolling it waits in `pending_secret`; the confirmation code moves it to `secret`. A code's
 * time step is kept in `last_used_step` so each code works once (a step at or below it is refused).
 */
export const userMfa = pgTable('user_mfa', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull(),
  pendingSecret: text('pending_secret'),
  secret: text('secret'),
  enabledAt: timestamp('enabled_at', { withTimezone: true, mode: 'date' }),
  lastUsedStep: integer('last_used_step').notNull().default(0),
  ...timestamps,
}, t => [
  primaryKey({ name: 'user_mfa_pk', columns: [t.tenantId, t.userId] }),
  foreignKey({ name: 'user_mfa_user_fk', columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete('cascade'),
])

/** Single-use recovery codes: only a sha256 of each is kept; `used_at` marks the one that was spent. */
export const mfaRecoveryCodes = pgTable('mfa_recovery_codes', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  userId: uuid('user_id').notNull(),
  codeHash: text('code_hash').notNull(),
  usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  createdAt: timestamps.createdAt,
}, t => [
  primaryKey({ name: 'mfa_recovery_codes_pk', columns: [t.tenantId, t.id] }),
  uniqueIndex('mfa_recovery_codes_user_hash_uq').on(t.tenantId, t.userId, t.codeHash),
  foreignKey({ name: 'mfa_recovery_codes_user_fk', columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] })
    .onDelete('cascade'),
])
