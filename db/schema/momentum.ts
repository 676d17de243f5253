import { sql } from 'drizzle-orm'
import {
  bigserial,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { forecastCategoryEnum } from './pipeline'
import { MOMENTUM_STATES, type MomentumState } from '../../shared/utils/momentumStates'
import { tenantId } from './_shared'
import { deals } from './sales'
import { tenants } from './tenancy'

export { MOMENTUM_STATES, type MomentumState }
export const momentumStateEnum = pgEnum('momentum_state', MOMENTUM_STATES)

export const ALERT_KINDS = [
  'at_risk',
  'stalling',
  'stage_overdue',
  'quiet_after_proposal',
  'close_date_passed',
  'lost_only_contact',
  'no_next_step',
] as const
export type AlertKind = (typeof ALERT_KINDS)[number]
export const alertKindEnum = pgEnum('alert_kind', ALERT_KINDS)
export const ALERT_STATUSES = ['open', 'dismissed', 'resolved'] as const
export const alertStatusEnum = pgEnum('alert_status', ALERT_STATUSES)

/** A reason behind a score, in words, with the points (of 100) it moves the chance of winning by. */
export interface ScoreReason { code: string, text: string, points: number }

/** Deals whose events changed since they were last scored (written with the events; read and cleared by the scoring run). */
export const momentumDirty = pgTable('momentum_dirty', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  dealId: uuid('deal_id').notNull(),
  dirtiedAt: timestamp('dirtied_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, t => [
  primaryKey({ name: 'momentum_dirty_pk', columns: [t.tenantId, t.dealId] }),
])

/** Each open deal's current momentum: score, state, the reasons, the change since the run before. */
export const dealScores = pgTable(
  'deal_scores',
  {
    tenantId: tenantId(),
    dealId: uuid('deal_id').notNull(),
    score: integer('score').notNull(),
    /** The chance of winning, 0..1 (the score is this in points of 100); null on rows scored before 0023. */
    winProbability: real('win_probability'),
    state: momentumStateEnum('state').notNull(),
    previousScore: integer('previous_score'),
    previousState: momentumStateEnum('previous_state'),
    stateSince: timestamp('state_since', { withTimezone: true, mode: 'date' }).notNull(),
    reasons: jsonb('reasons').$type<ScoreReason[]>().notNull(),
    signals: jsonb('signals').$type<Record<string, unknown>>().notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  t => [
    primaryKey({ name: 'deal_scores_pk', columns: [t.tenantId, t.dealId] }),
    index('deal_scores_tenant_state_idx').on(t.tenantId, t.state),
    foreignKey({ name: 'deal_scores_deal_fk', columns: [t.tenantId, t.dealId], foreignColumns: [deals.tenantId, deals.id] }).onDelete(
      'cascade',
    ),
  ],
)

/** One score per deal per day (the day's last run): the trend line, and calibration's history. */
export const dealScoreHistory = pgTable(
  'deal_score_history',
  {
    tenantId: tenantId(),
    dealId: uuid('deal_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    score: integer('score').notNull(),
    state: momentumStateEnum('state').notNull(),
    reasonCodes: text('reason_codes').array().notNull().default([]),
    winProbability: real('win_probability'),
    /** The model's inputs that day (stage log-odds and each feature's value): a closed deal's refine the tenant's weights. */
    features: jsonb('features').$type<Record<string, number>>(),
  },
  t => [
    primaryKey({ name: 'deal_score_history_pk', columns: [t.tenantId, t.dealId, t.day] }),
    foreignKey({
      name: 'deal_score_history_deal_fk',
      columns: [t.tenantId, t.dealId],
      foreignColumns: [deals.tenantId, deals.id],
    }).onDelete('cascade'),
  ],
)

/**
 * Alerts on deals. `occurrence` names what happened (the state change's day, the stage entry,
 * the close date): at most one alert per deal, kind and occurrence, ever — a re-run or a
 * dismissed alert never fires twice — and at most one open alert per deal and kind.
 */
export const alerts = pgTable('alerts', {
  tenantId: tenantId(),
  id: uuid('id').notNull().defaultRandom(),
  dealId: uuid('deal_id').notNull(),
  kind: alertKindEnum('kind').notNull(),
  occurrence: text('occurrence').notNull(),
  message: text('message').notNull(),
  status: alertStatusEnum('status').notNull().default('open'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
  dismissedById: uuid('dismissed_by_id'),
  /** An open alert snoozed until this time is left out of the lists until then (null: not snoozed). */
  snoozedUntil: timestamp('snoozed_until', { withTimezone: true, mode: 'date' }),
}, t => [
  primaryKey({ name: 'alerts_pk', columns: [t.tenantId, t.id] }),
  uniqueIndex('alerts_occurrence_uq').on(t.tenantId, t.dealId, t.kind, t.occurrence),
  uniqueIndex('alerts_one_open_uq').on(t.tenantId, t.dealId, t.kind).where(sql`${t.status} = 'open'`),
  index('alerts_tenant_status_idx').on(t.tenantId, t.status, t.createdAt),
  foreignKey({ name: 'alerts_deal_fk', columns: [t.tenantId, t.dealId], foreignColumns: [deals.tenantId, deals.id] }).onDelete('cascade'),
])

/** A tenant's weights, refined on its own won and lost deals (shrunk toward the shipped weights). */
export const momentumWeights = pgTable('momentum_weights', {
  tenantId: tenantId().primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
  weights: jsonb('weights').$type<Record<string, number>>().notNull(),
  won: integer('won').notNull(),
  lost: integer('lost').notNull(),
  fittedAt: timestamp('fitted_at', { withTimezone: true, mode: 'date' }).notNull(),
})

/** Every run of a scheduled task: when, what it touched, how long, and how it ended. */
export const taskRuns = pgTable('task_runs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  name: text('name').notNull(),
  tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  status: text('status').$type<'running' | 'done' | 'failed' | 'skipped'>().notNull(),
  touched: integer('touched').notNull().default(0),
  durationMs: integer('duration_ms'),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  error: text('error'),
}, t => [
  index('task_runs_name_started_idx').on(t.name, t.startedAt),
  index('task_runs_tenant_started_idx').on(t.tenantId, t.startedAt),
])

/** Each open deal as it stood at the end of each day: forecast history and slip analysis. */
export const pipelineSnapshots = pgTable('pipeline_snapshots', {
  tenantId: tenantId(),
  day: date('day', { mode: 'string' }).notNull(),
  dealId: uuid('deal_id').notNull(),
  ownerId: uuid('owner_id').notNull(),
  stage: text('stage').notNull(),
  amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
  currency: text('currency').notNull(),
  closeDate: date('close_date', { mode: 'string' }),
  forecastCategory: forecastCategoryEnum('forecast_category').notNull(),
  probability: integer('probability').notNull(),
  score: integer('score'),
  state: momentumStateEnum('state'),
}, t => [
  primaryKey({ name: 'pipeline_snapshots_pk', columns: [t.tenantId, t.day, t.dealId] }),
  index('pipeline_snapshots_tenant_deal_idx').on(t.tenantId, t.dealId, t.day),
  foreignKey({ name: 'pipeline_snapshots_tenant_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
])
