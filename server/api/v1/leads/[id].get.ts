import { getLead } from '../../../domain/records/leads'

export const meta = defineRoute({ tag: 'Leads', summary: 'A lead with its score and reasons' })

/** One lead with its score and reasons. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, (tx, auth) => getLead(tx, auth.tenantId, id))
})
