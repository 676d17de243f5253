import { sql } from 'drizzle-orm'
import {
  boolean,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
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
  /** The due time a reminder went out for (a rescheduled task is reminded again). */
  remindedFor: timestamp('reminded_for', { withTimezone: true, mode: 'date' }),
  ...timestamps,
}, t => [
  primaryKey({ name: 'tasks_pk', columns: [t.tenantId, t.id] }),
  index('tasks_tenant_assignee_due_idx').on(t.tenantId, t.assigneeId, t.dueAt),
  index('tasks_tenant_open_due_idx').on(t.tenantId, t.dueAt).where(sql`${t.doneAt} is null`),
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

export const NOTIFICATION_KINDS = ['reminder', 'alert', 'mention', 'automation', 'webhook_disabled', 'integration_failed'] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

/**
 * The in-app notification centre: one row per recipient. `dedupeKey` names what it is about
 * (a task's due time, an alert, a note): at most one notification per user and key, ever, so
 * re-running the task that raises it never notifies twice.
 */
export const notifications = pgTable(
  'notifications',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    id: id(),
    userId: uuid('user_id').notNull(),
    kind: text('kind').$type<NotificationKind>().notNull(),
    title: text('title').notNull(),
    body: text('body'),
    /** An app path to open (a deal, the tasks page). */
    link: text('link'),
    dealId: uuid('deal_id'),
    taskId: uuid('task_id'),
    dedupeKey: text('dedupe_key').notNull(),
    readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  t => [
    primaryKey({ name: 'notifications_pk', columns: [t.tenantId, t.id] }),
    uniqueIndex('notifications_dedupe_uq').on(t.tenantId, t.userId, t.dedupeKey),
    index('notifications_tenant_user_created_idx').on(t.tenantId, t.userId, t.createdAt),
    index('notifications_tenant_user_unread_idx')
      .on(t.tenantId, t.userId)
      .where(sql`${t.readAt} is null`),
    foreignKey({ name: 'notifications_user_fk', columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
  ],
)

/** What each user wants by email (in-app notifications always arrive), and the last digest sent. */
export const userPreferences = pgTable(
  'user_preferences',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    reminderEmail: boolean('reminder_email').notNull().default(true),
    digestEmail: boolean('digest_email').notNull().default(true),
    /** The UTC day the last daily digest went out (one a day, re-runs send nothing). */
    lastDigestOn: date('last_digest_on', { mode: 'string' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  t => [
    primaryKey({ name: 'user_preferences_pk', columns: [t.tenantId, t.userId] }),
    foreignKey({ name: 'user_preferences_user_fk', columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
  ],
)
