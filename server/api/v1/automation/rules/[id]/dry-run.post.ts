import { dryRunRule } from '../../../../../domain/automation/rules'

export const meta = defineRoute({
  tag: 'Automation',
  summary: 'The deals a rule would touch today, doing nothing (admin)',
  capability: 'automation',
})

/** The deals (or leads, tasks) a rule would touch today, doing nothing (admins). */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, async (tx, auth) => ({ data: await dryRunRule(tx, auth.tenantId, id) }))
})
