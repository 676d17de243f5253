import { createLead, LeadCreateSchema } from '../../../domain/records/leads'

export const meta = defineRoute({ tag: 'Leads', summary: 'Capture and score a lead', body: LeadCreateSchema, status: 201 })

/** Captures a lead and scores it (0-100, with the reasons). */
export default defineEventHandler(async (event) => {
  const input = await readValidated(event, LeadCreateSchema)
  const lead = await scoped(event, (tx, auth) => {
    assertMayAssign(auth, input.ownerId)
    return createLead(tx, { tenantId: auth.tenantId, userId: auth.userId }, input)
  })
  setResponseStatus(event, 201)
  return lead
})
