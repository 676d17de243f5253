import { sql } from 'drizzle-orm'
import { boolean, foreignKey, index, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { id, tenantId, timestamps } from './_shared'
import { tenants, users } from './tenancy'

/** What a saved report keeps of its definition (shared/utils/reports.ts `ReportDefinition` less the record type). */
export interface SavedReportDefinition {
  measures: { fn: 'count' | 'sum' | 'avg' | 'median', field?: string }[]
  groupBy: { field: string, bucket?: 'day' | 'week' | 'month' | 'quarter' }[]
  filters: { field: string, op: string, value?: unknown }[]
  limit?: number
}

/**
 * A report someone built and saved: its definition (run by `runReport`, also for dashboard tiles
 * and scheduled emails later), a name and a chart; shared ones are seen by their team (admins: all).
 */
export const savedReports = pgTable('saved_reports', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  ownerId: uuid('owner_id').notNull(),
  name: text('name').notNull(),
  recordType: text('record_type').notNull(),
  definition: jsonb('definition').$type<SavedReportDefinition>().notNull(),
  chart: text('chart').notNull().default('bar'),
  shared: boolean('shared').notNull().default(false),
  ...timestamps,
}, t => [
  primaryKey({ name: 'saved_reports_pk', columns: [t.tenantId, t.id] }),
  index('saved_reports_tenant_owner_idx').on(t.tenantId, t.ownerId),
  index('saved_reports_tenant_shared_idx').on(t.tenantId).where(sql`${t.shared}`),
  foreignKey({ name: 'saved_reports_owner_fk', columns: [t.tenantId, t.ownerId], foreignColumns: [users.tenantId, users.id] })
    .onDelete('cascade'),
])
