import { TaskPatchSchema, updateTask } from '../../../domain/tasks/tasks'

export const meta = defineRoute({
  tag: 'Work',
  summary: 'Change a task; { done: true } completes it (writes task_completed)',
  body: TaskPatchSchema,
})

/** Changes a task; `{ done: true }` completes it and writes `task_completed`. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const patch = await readValidated(event, TaskPatchSchema)
  return scoped(event, (tx, auth) => updateTask(tx, { tenantId: auth.tenantId, userId: auth.userId, access: auth.access }, id, patch))
})
