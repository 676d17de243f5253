import { CustomEntitySchema, CustomFieldsBodySchema, replaceFields } from '../../../domain/records/customFields'

export const meta = defineRoute({
  tag: 'Custom fields',
  summary: 'Define the custom fields of deal, account, contact or lead (admin)',
  body: CustomFieldsBodySchema,
})

/** Admin: the custom fields of one record type (deal, account, contact, lead), all at once. */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  const { entity } = paramsValidated(event, CustomEntitySchema)
  const { fields } = await readValidated(event, CustomFieldsBodySchema)
  return scoped(event, async (tx, auth) => ({ data: await replaceFields(tx, auth.tenantId, entity, fields) }))
})
