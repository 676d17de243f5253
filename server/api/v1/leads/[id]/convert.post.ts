import { convertLead, LeadConvertSchema } from '../../../../domain/records/leads'

export const meta = defineRoute({
  tag: 'Leads',
  summary: 'Convert a lead into account, contact and deal',
  body: LeadConvertSchema,
  limit: 'openDeals',
})

/** Converts a lead into an account, a contact and a deal, in one transaction. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const input = await readValidated(event, LeadConvertSchema)
  return scoped(event, (tx, auth) => convertLead(tx, { tenantId: auth.tenantId, userId: auth.userId }, id, input))
})
