import { recentRuns } from '../../../../domain/jobs/runner'

export const meta = defineRoute({ tag: 'Operations', summary: 'The latest task runs (admin)' })

/** The latest task runs (admins): the tenant's own and the ones across all tenants. */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin')
  return { data: await recentRuns(await useDb(), auth.tenantId) }
})
