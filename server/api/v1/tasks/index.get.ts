import { listTasks, TaskListQuerySchema } from '../../../domain/tasks/tasks'

export const QuerySchema = TaskListQuerySchema

export const meta = defineRoute({
  tag: 'Work',
  summary: 'Tasks the caller sees (mine=1, due=overdue|today|upcoming, status, dealId)',
  query: TaskListQuerySchema,
})

/** Tasks the caller sees; `mine=1` their own, `due=overdue|today|upcoming` (today ends at the caller's midnight, `tzOffset`). */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, (tx, auth) => listTasks(tx, auth.tenantId, auth.userId, query))
})
