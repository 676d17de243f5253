import { TaskPatchSchema, updateTask } from '../../../domain/work/tasks'

/** Changes a task; `{ done: true }` completes it and writes `task_completed`. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const patch = await readValidated(event, TaskPatchSchema)
  return scoped(event, (tx, auth) => updateTask(tx, { tenantId: auth.tenantId, userId: auth.userId, access: auth.access }, id, patch))
})
