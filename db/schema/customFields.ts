import { boolean, integer, pgEnum, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'
import { tenantId, timestamps } from './_shared'
import { tenants } from './tenancy'

export const CUSTOM_FIELD_ENTITIES = ['deal', 'account', 'contact', 'lead'] as const
export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'select'] as const
export const customFieldEntityEnum = pgEnum('custom_field_entity', CUSTOM_FIELD_ENTITIES)
export const customFieldTypeEnum = pgEnum('custom_field_type', CUSTOM_FIELD_TYPES)

/** A tenant's own fields on a record type; values live in the record's `custom` JSONB column. */
export const customFields = pgTable('custom_fields', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  entity: customFieldEntityEnum('entity').notNull(),
  key: text('key').notNull(),
  label: text('label').notNull(),
  type: customFieldTypeEnum('type').notNull(),
  options: text('options').array().notNull().default([]),
  required: boolean('required').notNull().default(false),
  position: integer('position').notNull().default(0),
  ...timestamps,
}, t => [
  primaryKey({ name: 'custom_fields_pk', columns: [t.tenantId, t.entity, t.key] }),
])
