import { updateDeal } from '../../../domain/deals/records'
import { DealPatchSchema } from '../../../domain/deals/schemas'

export const meta = defineRoute({ tag: 'Deals', summary: 'Update any field but the stage', body: DealPatchSchema })

/** Any field but the stage; amount, close date, owner, probability and category changes are recorded. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const patch = await readValidated(event, DealPatchSchema)
  return scoped(event, async (tx, auth) => {
    assertMayAssign(auth, patch.ownerId)
    return updateDeal(tx, { tenantId: auth.tenantId, userId: auth.userId }, id, patch)
  })
})
