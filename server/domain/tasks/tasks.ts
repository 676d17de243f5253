import { and, asc, eq, gte, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import { accounts, alerts, contacts, deals, TASK_PRIORITIES, tasks, users } from '../../../db/schema'
import type { Access, Tx } from '../core/db'
import { badRequest, notFound } from '../core/errors'
import { checkActiveUser, checkRecord } from '../records/references'
import { writeEvents } from '../events/write'
import { dueWindow, type DueFilter } from './schedule'
import { IsoDateTime } from '../core/dates'

const When = IsoDateTime()

export const TaskCreateSchema = z.object({
  title: z.string().trim().min(1, 'required').max(500),
  dueAt: When,
  assigneeId: z.uuid().optional(),
  dealId: z.uuid().optional(),
  contactId: z.uuid().optional(),
  accountId: z.uuid().optional(),
  priority: z.enum(TASK_PRIORITIES).default('normal'),
}).strict()
export type TaskInput = z.output<typeof TaskCreateSchema>

export const TaskPatchSchema = z.object({
  done: z.literal(true).optional(),
  title: z.string().trim().min(1, 'required').max(500).optional(),
  dueAt: When.optional(),
  assigneeId: z.uuid().optional(),
  priority: z.enum(TASK_PRIORITIES).optional(),
}).strict().refine(p => Object.keys(p).length > 0, { path: ['done'], message: 'nothing to change' })

export const TaskListQuerySchema = z.object({
  mine: z.enum(['0', '1']).optional(),
  due: z.enum(['overdue', 'today', 'upcoming']).optional(),
  status: z.enum(['open', 'done', 'all']).default('open'),
  dealId: z.uuid().optional(),
  /** Minutes the caller's clock is ahead of UTC, for where "today" ends. */
  tzOffset: z.coerce.number().int().min(-840).max(840).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})

export interface TaskActor { tenantId: string, userId: string | null, now?: Date, access?: Access }

/** 400 naming the field unless the deal, contact, account and assignee exist for (and are visible to) the caller. */
async function checkTaskReferences(
  tx: Tx,
  actor: TaskActor,
  input: { assigneeId?: string, dealId?: string, contactId?: string, accountId?: string },
) {
  const { tenantId } = actor
  await checkRecord(tx, tenantId, deals, input.dealId, 'dealId', 'deal')
  await checkRecord(tx, tenantId, contacts, input.contactId, 'contactId', 'contact')
  await checkRecord(tx, tenantId, accounts, input.accountId, 'accountId', 'account')
  await checkActiveUser(tx, tenantId, input.assigneeId, 'assigneeId')
  const access = actor.access
  if (input.assigneeId && access?.scope === 'owners' && !access.ownerIds.includes(input.assigneeId))
    throw badRequest('assigneeId', 'not someone whose work you see')
}

/** The deal's "no next step" alert is settled once it has an open task again. */
async function resolveNoNextStep(tx: Tx, tenantId: string, dealId: string | null | undefined, now: Date) {
  if (!dealId) return
  await tx.update(alerts).set({ status: 'resolved', closedAt: now })
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.dealId, dealId), eq(alerts.kind, 'no_next_step'), eq(alerts.status, 'open')))
}

/** Creates a task (the caller's unless assigned to someone they see), in the caller's transaction. */
export async function createTask(tx: Tx, actor: TaskActor, input: TaskInput) {
  const now = actor.now ?? new Date()
  await checkTaskReferences(tx, actor, input)
  const assigneeId = input.assigneeId ?? actor.userId
  if (!assigneeId) throw badRequest('assigneeId', 'a task needs an assignee')
  let accountId = input.accountId ?? null
  if (!accountId && input.dealId)
    accountId
      = (
        await tx
          .select({ a: deals.accountId })
          .from(deals)
          .where(and(eq(deals.tenantId, actor.tenantId), eq(deals.id, input.dealId)))
      )[0]?.a ?? null
  const [task] = await tx.insert(tasks).values({
    tenantId: actor.tenantId, title: input.title, dueAt: input.dueAt, assigneeId, createdById: actor.userId,
    dealId: input.dealId ?? null, contactId: input.contactId ?? null, accountId, priority: input.priority, createdAt: now, updatedAt: now,
  }).returning()
  await resolveNoNextStep(tx, actor.tenantId, task!.dealId, now)
  return task!
}

/** Marks a task done and writes its `task_completed` event, in the caller's transaction. */
export async function completeTask(tx: Tx, actor: { tenantId: string, userId: string | null, now?: Date }, taskId: string) {
  const now = actor.now ?? new Date()
  const [task] = await tx.update(tasks).set({ doneAt: now, updatedAt: now })
    .where(and(eq(tasks.tenantId, actor.tenantId), eq(tasks.id, taskId), isNull(tasks.doneAt))).returning()
  if (!task) throw notFound('open task')
  await writeEvents(tx, actor.tenantId, [{
    type: 'task_completed', occurredAt: now, source: 'direct', actorUserId: actor.userId,
    dealId: task.dealId, contactId: task.contactId, accountId: task.accountId,
    metadata: { taskId: task.id, title: task.title, dueAt: task.dueAt?.toISOString() ?? null },
  }])
  return task
}

/** Changes a task the caller sees: `{ done: true }` completes it; 404 if they cannot see it. */
export async function updateTask(tx: Tx, actor: TaskActor, taskId: string, patch: z.output<typeof TaskPatchSchema>) {
  const now = actor.now ?? new Date()
  const [task] = await tx.select().from(tasks).where(and(eq(tasks.tenantId, actor.tenantId), eq(tasks.id, taskId))).for('update')
  if (!task) throw notFound('task')
  await checkTaskReferences(tx, actor, { assigneeId: patch.assigneeId })
  const { done, ...fields } = patch
  let updated = task
  if (Object.keys(fields).length) {
    ;[updated] = (await tx
      .update(tasks)
      .set({ ...fields, updatedAt: now })
      .where(and(eq(tasks.tenantId, actor.tenantId), eq(tasks.id, taskId)))
      .returning()) as [typeof task]
  }
  if (done && !task.doneAt) updated = await completeTask(tx, actor, taskId)
  return updated
}

/** Tasks the caller sees (row-level security), filtered, soonest due first. */
export async function listTasks(tx: Tx, tenantId: string, userId: string, query: z.output<typeof TaskListQuerySchema>, now = new Date()) {
  const where: (SQL | undefined)[] = [eq(tasks.tenantId, tenantId)]
  if (query.mine === '1') where.push(eq(tasks.assigneeId, userId))
  if (query.dealId) where.push(eq(tasks.dealId, query.dealId))
  if (query.status === 'open') where.push(isNull(tasks.doneAt))
  if (query.status === 'done') where.push(isNotNull(tasks.doneAt))
  if (query.due) {
    const { from, to } = dueWindow(query.due as DueFilter, now, query.tzOffset)
    if (from) where.push(gte(tasks.dueAt, from))
    if (to) where.push(lt(tasks.dueAt, to))
  }
  const rows = await tx
    .select({
      id: tasks.id,
      title: tasks.title,
      dueAt: tasks.dueAt,
      priority: tasks.priority,
      doneAt: tasks.doneAt,
      assigneeId: tasks.assigneeId,
      assigneeName: users.name,
      dealId: tasks.dealId,
      dealName: deals.name,
      contactId: tasks.contactId,
      accountId: tasks.accountId,
      createdAt: tasks.createdAt,
    })
    .from(tasks)
    .leftJoin(users, and(eq(users.tenantId, tasks.tenantId), eq(users.id, tasks.assigneeId)))
    .leftJoin(deals, and(eq(deals.tenantId, tasks.tenantId), eq(deals.id, tasks.dealId)))
    .where(and(...where))
    .orderBy(asc(sql`coalesce(${tasks.dueAt}, 'infinity')`), asc(tasks.id))
    .limit(query.limit)
  return { data: rows }
}
