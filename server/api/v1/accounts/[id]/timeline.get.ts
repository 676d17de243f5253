import { assertAccount } from '../../../../domain/records/accounts'
import { timeline } from '../../../../domain/events/queries'

/** An account's events, newest first, paged with a cursor; 404 for an account the caller cannot see. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const query = queryValidated(event, TimelineQuerySchema)
  return scoped(event, async (tx, auth) => {
    await assertAccount(tx, auth.tenantId, id)
    return timeline(tx, auth.tenantId, 'account', id, query)
  })
})
