import { createDeal } from '../../../domain/deals/records'
import { DealCreateSchema } from '../../../domain/deals/schemas'

export const meta = defineRoute({ tag: 'Deals', summary: 'Create a deal', body: DealCreateSchema, status: 201, limit: 'openDeals' })

/** A new deal (and its deal_created event). Reps own what they create; managers may assign their team. */
export default defineEventHandler(async (event) => {
  const input = await readValidated(event, DealCreateSchema)
  const deal = await scoped(event, async (tx, auth) => {
    assertMayAssign(auth, input.ownerId)
    return createDeal(tx, { tenantId: auth.tenantId, userId: auth.userId }, input)
  })
  setResponseStatus(event, 201)
  return deal
})
