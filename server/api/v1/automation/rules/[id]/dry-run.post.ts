import { dryRunRule } from '../../../../../domain/automation/rules'

/** The deals (or leads, tasks) a rule would touch today, doing nothing (admins). */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, async (tx, auth) => ({ data: await dryRunRule(tx, auth.tenantId, id) }))
})
