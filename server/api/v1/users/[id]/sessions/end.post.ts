import { endMemberSessions } from '../../../../../domain/tenancy/people'

export const meta = defineRoute({ tag: 'People', summary: 'End every session of a member (admin)', status: 204 })

/** Admin: ends every session of a member of the tenant, at once in every process; audited. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const { id } = paramsValidated(event, IdParamsSchema)
  await scoped(event, tx => endMemberSessions(tx, actorOf(event, auth), id))
  setResponseStatus(event, 204)
  return null
})
