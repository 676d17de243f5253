import { z } from 'zod'
import { recentRuns } from '../../../../domain/jobs/runner'
import { TASK_NAMES } from '../../../../domain/jobs/registry'

export const QuerySchema = z.object({
  name: z.enum(TASK_NAMES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

export const meta = defineRoute({ tag: 'Operations', summary: 'The latest task runs, of one task with name= (admin)', query: QuerySchema })

/**
 * The latest task runs (admins): the tenant's own and the ones across all tenants, of one task
 * when `name` is given. Runs that found nothing to do (webhooks:deliver's every minute) are not recorded.
 */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin')
  const query = queryValidated(event, QuerySchema)
  return { data: await recentRuns(await useDb(), auth.tenantId, query) }
})
