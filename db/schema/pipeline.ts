import { integer, pgEnum, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'
import { FORECAST_CATEGORIES, STAGE_KINDS, tenantId, timestamps } from './_shared'
import { tenants } from './tenancy'

export const forecastCategoryEnum = pgEnum('forecast_category', FORECAST_CATEGORIES)
export const stageKindEnum = pgEnum('stage_kind', STAGE_KINDS)

/** A tenant's pipeline: its stages, their order and the moves allowed out of each. */
export const pipelineStages = pgTable('pipeline_stages', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  key: text('key').notNull(),
  name: text('name').notNull(),
  position: integer('position').notNull(),
  probability: integer('probability').notNull(),
  forecastCategory: forecastCategoryEnum('forecast_category').notNull(),
  kind: stageKindEnum('kind').notNull().default('open'),
  allowedNext: text('allowed_next').array().notNull().default([]),
  ...timestamps,
}, t => [
  primaryKey({ name: 'pipeline_stages_pk', columns: [t.tenantId, t.key] }),
])
