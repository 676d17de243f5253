import { sql } from 'drizzle-orm'
import {
  type AnyPgColumn,
  boolean,
  char,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { forecastCategoryEnum } from './pipeline'
import { id, tenantId, timestamps } from './_shared'
import { tenants, users } from './tenancy'

type CustomFields = Record<string, unknown>

/** The record's owner is a user of the same tenant. */
const ownedBy = (name: string, tenant: AnyPgColumn, owner: AnyPgColumn) =>
  foreignKey({ name, columns: [tenant, owner], foreignColumns: [users.tenantId, users.id] })

export const accounts = pgTable('accounts', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  name: text('name').notNull(),
  domain: text('domain'),
  industry: text('industry'),
  ownerId: uuid('owner_id'),
  source: text('source').notNull().default('direct'),
  externalId: text('external_id'),
  custom: jsonb('custom').$type<CustomFields>().notNull().default({}),
  ...timestamps,
}, t => [
  primaryKey({ name: 'accounts_pk', columns: [t.tenantId, t.id] }),
  index('accounts_tenant_owner_idx').on(t.tenantId, t.ownerId),
  uniqueIndex('accounts_tenant_source_external_uq').on(t.tenantId, t.source, t.externalId).where(sql`${t.externalId} is not null`),
  /** Imports match records by external id whatever their source. */
  index('accounts_tenant_external_idx').on(t.tenantId, t.externalId).where(sql`${t.externalId} is not null`),
  ownedBy('accounts_owner_fk', t.tenantId, t.ownerId),
])

export const contacts = pgTable('contacts', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  accountId: uuid('account_id'),
  firstName: text('first_name').notNull(),
  lastName: text('last_name').notNull().default(''),
  email: text('email'),
  phone: text('phone'),
  title: text('title'),
  ownerId: uuid('owner_id'),
  source: text('source').notNull().default('direct'),
  externalId: text('external_id'),
  custom: jsonb('custom').$type<CustomFields>().notNull().default({}),
  /** Set when the person's data was erased (personal fields anonymized, history kept). */
  erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }),
  ...timestamps,
}, t => [
  primaryKey({ name: 'contacts_pk', columns: [t.tenantId, t.id] }),
  index('contacts_tenant_account_idx').on(t.tenantId, t.accountId),
  index('contacts_tenant_email_idx').on(t.tenantId, sql`lower(${t.email})`),
  uniqueIndex('contacts_tenant_source_external_uq').on(t.tenantId, t.source, t.externalId).where(sql`${t.externalId} is not null`),
  /** Imports match records by external id whatever their source. */
  index('contacts_tenant_external_idx').on(t.tenantId, t.externalId).where(sql`${t.externalId} is not null`),
  // No ON DELETE SET NULL: on a composite key it would null tenant_id too (deleteAccount detaches first).
  foreignKey({ name: 'contacts_account_fk', columns: [t.tenantId, t.accountId], foreignColumns: [accounts.tenantId, accounts.id] }),
  ownedBy('contacts_owner_fk', t.tenantId, t.ownerId),
])

export const leads = pgTable(
  'leads',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    id: id(),
    name: text('name').notNull(),
    email: text('email'),
    company: text('company'),
    title: text('title'),
    source: text('source').notNull().default('direct'),
    status: text('status').notNull().default('open'),
    score: integer('score').notNull().default(0),
    scoreReasons: jsonb('score_reasons').$type<string[]>().notNull().default([]),
    /** What the lead has done so far (opens, page views, a meeting asked for): part of the score. */
    engagement: jsonb('engagement')
      .$type<{ emailsOpened?: number, pagesViewed?: number, meetingRequested?: boolean }>()
      .notNull()
      .default({}),
    ownerId: uuid('owner_id'),
    convertedDealId: uuid('converted_deal_id'),
    custom: jsonb('custom').$type<CustomFields>().notNull().default({}),
    ...timestamps,
  },
  t => [
    primaryKey({ name: 'leads_pk', columns: [t.tenantId, t.id] }),
    index('leads_tenant_owner_idx').on(t.tenantId, t.ownerId),
    ownedBy('leads_owner_fk', t.tenantId, t.ownerId),
  ],
)

export const deals = pgTable('deals', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  name: text('name').notNull(),
  accountId: uuid('account_id'),
  ownerId: uuid('owner_id').notNull(),
  stage: text('stage').notNull(),
  stageEnteredAt: timestamp('stage_entered_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  amount: numeric('amount', { precision: 14, scale: 2 }).notNull().default('0'),
  currency: char('currency', { length: 3 }).notNull().default('USD'),
  closeDate: date('close_date', { mode: 'string' }),
  /** Set only when someone overrides the stage's probability / category for this deal. */
  probability: integer('probability'),
  forecastCategory: forecastCategoryEnum('forecast_category'),
  source: text('source').notNull().default('direct'),
  externalId: text('external_id'),
  product: text('product'),
  closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
  custom: jsonb('custom').$type<CustomFields>().notNull().default({}),
  /** Labels set by people or automation rules. */
  tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
  ...timestamps,
}, t => [
  primaryKey({ name: 'deals_pk', columns: [t.tenantId, t.id] }),
  index('deals_tenant_owner_stage_idx').on(t.tenantId, t.ownerId, t.stage),
  index('deals_tenant_stage_idx').on(t.tenantId, t.stage),
  index('deals_tenant_account_idx').on(t.tenantId, t.accountId),
  uniqueIndex('deals_tenant_source_external_uq').on(t.tenantId, t.source, t.externalId).where(sql`${t.externalId} is not null`),
  /** Imports match records by external id whatever their source. */
  index('deals_tenant_external_idx').on(t.tenantId, t.externalId).where(sql`${t.externalId} is not null`),
  /** `GET /api/v1/deals?tags=` finds deals holding all the tags asked for (`tags @> array[...]`). */
  index('deals_tags_idx').using('gin', t.tags),
  foreignKey({ name: 'deals_account_fk', columns: [t.tenantId, t.accountId], foreignColumns: [accounts.tenantId, accounts.id] }),
  ownedBy('deals_owner_fk', t.tenantId, t.ownerId),
])

/** The people engaged on a deal (buying committee). */
export const dealContacts = pgTable(
  'deal_contacts',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    dealId: uuid('deal_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    role: text('role'),
    createdAt: timestamps.createdAt,
  },
  t => [
    primaryKey({ name: 'deal_contacts_pk', columns: [t.tenantId, t.dealId, t.contactId] }),
    index('deal_contacts_tenant_contact_idx').on(t.tenantId, t.contactId),
    foreignKey({ name: 'deal_contacts_deal_fk', columns: [t.tenantId, t.dealId], foreignColumns: [deals.tenantId, deals.id] }).onDelete(
      'cascade',
    ),
    foreignKey({
      name: 'deal_contacts_contact_fk',
      columns: [t.tenantId, t.contactId],
      foreignColumns: [contacts.tenantId, contacts.id],
    }).onDelete('cascade'),
  ],
)

export const SAVED_VIEW_RECORD_TYPES = ['deals', 'accounts', 'contacts', 'leads'] as const
export type SavedViewRecordType = (typeof SAVED_VIEW_RECORD_TYPES)[number]

/** A named list of filters, sort and columns a person saved; shared ones are seen by their team (admins: all). */
export const savedViews = pgTable('saved_views', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  ownerId: uuid('owner_id').notNull(),
  name: text('name').notNull(),
  recordType: text('record_type').$type<SavedViewRecordType>().notNull(),
  filters: jsonb('filters').$type<Record<string, unknown>>().notNull().default({}),
  sort: jsonb('sort').$type<{ field: string, direction: 'asc' | 'desc' } | null>(),
  columns: jsonb('columns').$type<string[]>().notNull().default([]),
  shared: boolean('shared').notNull().default(false),
  ...timestamps,
}, t => [
  primaryKey({ name: 'saved_views_pk', columns: [t.tenantId, t.id] }),
  index('saved_views_tenant_owner_idx').on(t.tenantId, t.ownerId),
  index('saved_views_tenant_shared_idx').on(t.tenantId, t.recordType).where(sql`${t.shared}`),
  ownedBy('saved_views_owner_fk', t.tenantId, t.ownerId).onDelete('cascade'),
])
