import { deleteRule } from '../../../../domain/automation/rules'

export const meta = defineRoute({
  tag: 'Automation',
  summary: 'Delete a rule and its run log (admin)',
  status: 204,
  capability: 'automation',
})

/** Deletes a rule and its run log (admins). */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  const { id } = paramsValidated(event, IdParamsSchema)
  await scoped(event, (tx, auth) => deleteRule(tx, auth.tenantId, id))
  setResponseStatus(event, 204)
  return null
})
