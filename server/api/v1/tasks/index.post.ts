import { createTask, TaskCreateSchema } from '../../../domain/tasks/tasks'

export const meta = defineRoute({
  tag: 'Work',
  summary: 'Create a task on a deal, contact or account',
  body: TaskCreateSchema,
  status: 201,
})

/** A task on a deal, contact or account, for the caller or someone whose work they see. */
export default defineEventHandler(async (event) => {
  const input = await readValidated(event, TaskCreateSchema)
  const task = await scoped(event, (tx, auth) =>
    createTask(tx, { tenantId: auth.tenantId, userId: auth.userId, access: auth.access }, input),
  )
  setResponseStatus(event, 201)
  return task
})
