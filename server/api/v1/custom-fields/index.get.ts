import { CUSTOM_FIELD_ENTITIES } from '../../../../db/schema'
import { fieldDefinitions } from '../../../domain/records/customFields'

export const meta = defineRoute({ tag: 'Custom fields', summary: 'The tenant\'s custom fields per record type' })

/** The tenant's custom fields per record type. */
export default defineEventHandler(event => scoped(event, async (tx, auth) => {
  const data: Record<string, unknown> = {}
  for (const entity of CUSTOM_FIELD_ENTITIES) data[entity] = await fieldDefinitions(tx, auth.tenantId, entity)
  return { data }
}))
