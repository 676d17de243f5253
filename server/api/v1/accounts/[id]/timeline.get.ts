import { assertAccount } from '../../../../domain/records/accounts'
import { timelineWithRefs } from '../../../../domain/events/queries'
import { TimelineQuerySchema } from '../../../../utils/schemas'

export const meta = defineRoute({
  tag: 'Accounts',
  summary: 'An account\'s events, newest first, with the names they refer to in `refs` (`types=note,call` keeps those)',
  query: TimelineQuerySchema,
})

/** An account's events, newest first, paged with a cursor; 404 for an account the caller cannot see. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const query = queryValidated(event, TimelineQuerySchema)
  return scoped(event, async (tx, auth) => {
    await assertAccount(tx, auth.tenantId, id)
    return timelineWithRefs(tx, auth.tenantId, 'account', id, query)
  })
})
