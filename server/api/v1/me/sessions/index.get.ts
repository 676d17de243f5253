import { listActiveSessions } from '../../../../domain/tenancy/sessions'

export const meta = defineRoute({ tag: 'Account', summary: 'The caller\'s active sessions (device, address, last seen)' })

/** The signed-in user's sessions that go on, the one of this request marked `current`. */
export default defineEventHandler(async (event) => {
  const auth = await requireSignedInUser(event)
  return scoped(event, async tx => ({ data: await listActiveSessions(tx, auth.tenantId, auth.userId, auth.session.sessionId) }))
})
