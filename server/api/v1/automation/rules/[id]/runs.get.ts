import { listRuns } from '../../../../../domain/automation/rules'

export const meta = defineRoute({ tag: 'Automation', summary: 'A rule\'s run log, newest first (admin)', capability: 'automation' })

/** A rule's run log, newest first: each occurrence it fired for, what its actions did (admins). */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, async (tx, auth) => ({ data: await listRuns(tx, auth.tenantId, id) }))
})
