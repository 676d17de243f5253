import { recentRuns } from '../../../../domain/jobs/runner'

/** The latest task runs (admins): the tenant's own and the ones across all tenants. */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin')
  return { data: await recentRuns(await useDb(), auth.tenantId) }
})
