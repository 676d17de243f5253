import { listRules } from '../../../../domain/automation/rules'

export const meta = defineRoute({ tag: 'Automation', summary: 'The tenant\'s automation rules (admin)', capability: 'automation' })

/** The tenant's automation rules (admins). */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  return scoped(event, async (tx, auth) => ({ data: await listRules(tx, auth.tenantId) }))
})
