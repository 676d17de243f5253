import { foreignKey, index, numeric, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { id, tenantId } from './_shared'
import { tenants, users } from './tenancy'

/** A rep's quota for a period (`2026-Q4` or `2026-11`): closed-won amount to reach. */
export const quotas = pgTable('quotas', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  ownerId: uuid('owner_id').notNull(),
  period: text('period').notNull(),
  amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, t => [
  primaryKey({ name: 'quotas_pk', columns: [t.tenantId, t.ownerId, t.period] }),
  foreignKey({ name: 'quotas_owner_fk', columns: [t.tenantId, t.ownerId], foreignColumns: [users.tenantId, users.id] }).onDelete('cascade'),
])

export const ADJUSTMENT_SCOPES = ['owner', 'team', 'tenant'] as const
export const adjustmentScopeEnum = pgEnum('forecast_adjustment_scope', ADJUSTMENT_SCOPES)

/**
 * A manager's override of a rep's, a team's or the tenant's forecast for a period, with a note.
 * Append-only: the latest per target is the one in force; the original number is always kept
 * beside it (computed from the deals), and every adjustment is also in the audit log.
 */
export const forecastAdjustments = pgTable('forecast_adjustments', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  period: text('period').notNull(),
  scope: adjustmentScopeEnum('scope').notNull(),
  /** The owner's or team's id; null for the tenant. */
  targetId: uuid('target_id'),
  amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
  /** The computed forecast when the adjustment was made. */
  original: numeric('original', { precision: 14, scale: 2 }).notNull(),
  note: text('note').notNull(),
  createdById: uuid('created_by_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, t => [
  primaryKey({ name: 'forecast_adjustments_pk', columns: [t.tenantId, t.id] }),
  index('forecast_adjustments_period_idx').on(t.tenantId, t.period, t.createdAt),
])
