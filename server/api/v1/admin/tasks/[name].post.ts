import { z } from 'zod'
import { runTask, TASK_NAMES } from '../../../../domain/momentum/tasks'

export const ParamsSchema = z.object({ name: z.enum(TASK_NAMES) })
export const QuerySchema = z.object({ full: z.enum(['0', '1']).optional() })

/** Runs a task now for the caller's tenant and waits for it (admins); answers the runs it recorded. */
export default defineEventHandler(async (event) => {
  const { name } = paramsValidated(event, ParamsSchema)
  const { full } = queryValidated(event, QuerySchema)
  const auth = await requireRole(event, 'admin')
  return { data: await runTask(await useDb(), name, { tenantId: auth.tenantId, full: full === '1' }) }
})
