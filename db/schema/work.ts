import { foreignKey, index, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
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
