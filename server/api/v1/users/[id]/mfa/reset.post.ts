import { resetMfa } from '../../../../../domain/tenancy/mfa'

export const meta = defineRoute({
  tag: 'People',
  summary: 'Reset a member\'s second factor: they enrol again; ends their sessions (admin; audited)',
})

/** Admins: removes a member's TOTP and recovery codes and ends their sessions (they sign in and enrol again). Audited. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, tx => resetMfa(tx, actorOf(event, auth), id))
})
