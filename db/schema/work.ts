import { foreignKey, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { id, tenantId, timestamps } from './_shared'
import { tenants, users } from './tenancy'

export const TASK_PRIORITIES = ['low', 'normal', 'high'] as const
export const taskPriorityEnum = pgEnum('task_priority', TASK_PRIORITIES)

export const notes = pgTable('notes', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  authorId: uuid('author_id'),
  dealId: uuid('deal_id'),
  contactId: uuid('contact_id'),
  accountId: uuid('account_id'),
  body: text('body').notNull(),
  ...timestamps,
}, t => [
  primaryKey({ name: 'notes_pk', columns: [t.tenantId, t.id] }),
  index('notes_tenant_deal_idx').on(t.tenantId, t.dealId),
  foreignKey({ name: 'notes_author_fk', columns: [t.tenantId, t.authorId], foreignColumns: [users.tenantId, users.id] }),
])

export const tasks = pgTable('tasks', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  title: text('title').notNull(),
  dueAt: timestamp('due_at', { withTimezone: true, mode: 'date' }),
  assigneeId: uuid('assignee_id'),
  createdById: uuid('created_by_id'),
  dealId: uuid('deal_id'),
  contactId: uuid('contact_id'),
  accountId: uuid('account_id'),
  priority: taskPriorityEnum('priority').notNull().default('normal'),
  doneAt: timestamp('done_at', { withTimezone: true, mode: 'date' }),
  ...timestamps,
}, t => [
  primaryKey({ name: 'tasks_pk', columns: [t.tenantId, t.id] }),
  index('tasks_tenant_assignee_due_idx').on(t.tenantId, t.assigneeId, t.dueAt),
  index('tasks_tenant_deal_idx').on(t.tenantId, t.dealId),
  foreignKey({ name: 'tasks_assignee_fk', columns: [t.tenantId, t.assigneeId], foreignColumns: [users.tenantId, users.id] }),
])

export const IMPORT_KINDS = ['deals', 'accounts', 'contacts', 'events'] as const
export type ImportKind = (typeof IMPORT_KINDS)[number]
export const IMPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const
export const importKindEnum = pgEnum('import_kind', IMPORT_KINDS)
export const importStatusEnum = pgEnum('import_status', IMPORT_STATUSES)

/** A CSV import: its settings, and its progress while it runs (rows are committed batch by batch). */
export const imports = pgTable('imports', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  kind: importKindEnum('kind').notNull(),
  status: importStatusEnum('status').notNull().default('queued'),
  fileName: text('file_name'),
  createdById: uuid('created_by_id').notNull(),
  options: jsonb('options').$type<{ mapping: Record<string, string>, stageMap?: Record<string, string>, dateFormat?: string }>().notNull(),
  rowsTotal: integer('rows_total'),
  rowsDone: integer('rows_done').notNull().default(0),
  created: integer('created').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  skipped: integer('skipped').notNull().default(0),
  errorCount: integer('error_count').notNull().default(0),
  /** The first 1,000 row errors. */
  errors: jsonb('errors').$type<{ row: number, message: string }[]>().notNull().default([]),
  failure: text('failure'),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  ...timestamps,
}, t => [
  primaryKey({ name: 'imports_pk', columns: [t.tenantId, t.id] }),
  index('imports_tenant_created_idx').on(t.tenantId, t.createdAt),
  foreignKey({ name: 'imports_creator_fk', columns: [t.tenantId, t.createdById], foreignColumns: [users.tenantId, users.id] }),
])
