import { updateRule } from '../../../../domain/automation/rules'
import { RulePatchSchema } from '../../../../domain/automation/schemas'

export const BodySchema = RulePatchSchema

export const meta = defineRoute({ tag: 'Automation', summary: 'Change a rule (admin)', body: RulePatchSchema, capability: 'automation' })

/** Changes a rule (any of name, trigger, conditions, actions, active) (admins). */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  const { id } = paramsValidated(event, IdParamsSchema)
  const patch = await readValidated(event, BodySchema)
  return scoped(event, (tx, auth) => updateRule(tx, auth.tenantId, id, patch))
})
