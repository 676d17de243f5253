import { and, eq, isNull } from 'drizzle-orm'
import { tasks } from '../../../db/schema'
import type { Tx } from '../db'
import { notFound } from '../errors'
import { writeEvents } from '../events/write'

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
