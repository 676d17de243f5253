import { date, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { tenantId } from './_shared'
import { teams, tenants, users } from './tenancy'

/** What the activity report counts per rep and day (server/domain/reports/activity.ts says how each is counted). */
export const ACTIVITY_MEASURES = [
  'calls', 'calls_connected', 'emails_sent', 'emails_received', 'meetings_held', 'notes', 'tasks_completed', 'deals_created',
  'stage_moves',
] as const
export type ActivityMeasure = (typeof ACTIVITY_MEASURES)[number]

/**
 * The daily activity rollup: one row per tenant, rep, UTC day and measure with a count, for the
 * last 400 days up to yesterday (today is read from the events). Maintained incrementally by
 * `refreshActivityRollup` (the last days and the days back-dated events dirtied). Read under
 * row-level security: a caller sees the rows of the reps they see.
 */
export const activityRollup = pgTable('activity_rollup', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  measure: text('measure').$type<ActivityMeasure>().notNull(),
  count: integer('count').notNull(),
}, t => [
  primaryKey({ name: 'activity_rollup_pk', columns: [t.tenantId, t.day, t.userId, t.measure] }),
  index('activity_rollup_user_day_idx').on(t.tenantId, t.userId, t.day),
])

/**
 * Days whose events changed after the rollup counted them: the one writer (events/write.ts) marks
 * the day of an event older than the recent window it recomputes anyway; the next refresh
 * recomputes those days and clears them.
 */
export const activityDirtyDays = pgTable('activity_dirty_days', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  day: date('day', { mode: 'string' }).notNull(),
  dirtiedAt: timestamp('dirtied_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, t => [primaryKey({ name: 'activity_dirty_days_pk', columns: [t.tenantId, t.day] })])

/** How far each tenant's rollup is built: when it last ran and from which day it holds rows. */
export const activityRollupState = pgTable('activity_rollup_state', {
  tenantId: uuid('tenant_id').primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
  refreshedAt: timestamp('refreshed_at', { withTimezone: true, mode: 'date' }).notNull(),
  fromDay: date('from_day', { mode: 'string' }).notNull(),
})

/**
 * Weekly activity targets a manager (for the reps of the teams they lead) or an admin sets: per
 * rep (`owner:<id>`) or as a team's default (`team:<id>`), per measure. A rep's own target wins
 * over their team's default.
 */
export const activityTargets = pgTable('activity_targets', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  /** `owner:<user id>` or `team:<team id>`. */
  targetKey: text('target_key').notNull(),
  ownerId: uuid('owner_id'),
  teamId: uuid('team_id'),
  measure: text('measure').$type<ActivityMeasure>().notNull(),
  weekly: integer('weekly').notNull(),
  updatedById: uuid('updated_by_id').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, t => [
  primaryKey({ name: 'activity_targets_pk', columns: [t.tenantId, t.targetKey, t.measure] }),
  foreignKey({ name: 'activity_targets_owner_fk', columns: [t.tenantId, t.ownerId], foreignColumns: [users.tenantId, users.id] })
    .onDelete('cascade'),
  foreignKey({ name: 'activity_targets_team_fk', columns: [t.tenantId, t.teamId], foreignColumns: [teams.tenantId, teams.id] })
    .onDelete('cascade'),
])
