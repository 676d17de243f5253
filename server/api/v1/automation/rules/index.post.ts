import { createRule } from '../../../../domain/automation/rules'
import { RuleSchema } from '../../../../domain/automation/schemas'

export const BodySchema = RuleSchema

export const meta = defineRoute({
  tag: 'Automation',
  summary: 'Create a rule: trigger, conditions, actions (admin)',
  body: RuleSchema,
  status: 201,
  capability: 'automation',
})

/** Creates a rule: `{ name, trigger, conditions[], actions[], active }` (admins). */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  const input = await readValidated(event, BodySchema)
  const rule = await scoped(event, (tx, auth) => createRule(tx, auth, input))
  setResponseStatus(event, 201)
  return rule
})
