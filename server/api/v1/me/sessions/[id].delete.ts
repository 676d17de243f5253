import { endOwnSession } from '../../../../domain/tenancy/sessions'
import { audit } from '../../../../domain/tenancy/audit'

export const meta = defineRoute({ tag: 'Account', summary: 'End one of the caller\'s sessions', status: 204 })

/** Ends one of the caller's own sessions (another user's or tenant's: 404); its next request is 401. */
export default defineEventHandler(async (event) => {
  const auth = await requireSignedInUser(event)
  const { id } = paramsValidated(event, IdParamsSchema)
  await scoped(event, async (tx) => {
    await endOwnSession(tx, auth.tenantId, auth.userId, id)
    await audit(tx, actorOf(event, auth), 'auth.session_ended', { targetType: 'session', targetId: id })
  })
  setResponseStatus(event, 204)
  return null
})
