import { LeadPatchSchema, updateLead } from '../../../domain/records/leads'

export const meta = defineRoute({ tag: 'Leads', summary: 'Edit or disqualify a lead; it is scored again', body: LeadPatchSchema })

/** Edits a lead (or disqualifies it) and scores it again. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const patch = await readValidated(event, LeadPatchSchema)
  return scoped(event, (tx, auth) => {
    assertMayAssign(auth, patch.ownerId)
    return updateLead(tx, auth.tenantId, id, patch)
  })
})
