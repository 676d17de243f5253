import { BulkSchema, bulkDeals } from '../../../domain/deals/bulk'
import { badRequest } from '../../../domain/core/errors'

export const meta = defineRoute({
  tag: 'Deals',
  body: BulkSchema,
  summary:
    'Up to 1,000 deals at once: `set` owner, stage, close date or tags (replacing them), or `delete: true`; '
    + 'each row applied whole or refused (`refused: [{ id, reason, allowed? }]`, unseen ids "not found"); audited once',
})

/** Many deals at once: `set` an owner, stage, close date or tags, or `delete: true`; each row whole or refused. */
export default defineEventHandler(async (event) => {
  const input = await readValidated(event, BulkSchema)
  return scoped(event, async (tx, auth) => {
    const ownerId = input.set?.ownerId
    if (ownerId && auth.access.scope === 'owners' && !auth.access.ownerIds.includes(ownerId)) {
      throw badRequest('set.ownerId', auth.role === 'rep' ? 'reps own the records they create' : 'not a member of your team')
    }
    return bulkDeals(tx, actorOf(event, auth), input)
  })
})
