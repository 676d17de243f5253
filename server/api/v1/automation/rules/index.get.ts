import { listRules } from '../../../../domain/automation/rules'

/** The tenant's automation rules (admins). */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  return scoped(event, async (tx, auth) => ({ data: await listRules(tx, auth.tenantId) }))
})
