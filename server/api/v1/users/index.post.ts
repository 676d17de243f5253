import { z } from 'zod'
import { inviteUser } from '../../../domain/tenancy/people'

export const BodySchema = z.object({
  email: EmailSchema,
  name: NameSchema,
  role: RoleSchema,
  teamId: z.uuid().nullish(),
}).strict()

export const meta = defineRoute({
  tag: 'People',
  summary: 'Invite someone (admin); answers the invitation link',
  body: BodySchema,
  status: 201,
  limit: 'users',
})

/** Admin: invite someone. Answers the one-time invitation link to pass on to them. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const body = await readValidated(event, BodySchema)
  const invite = await scoped(event, tx => inviteUser(tx, actorOf(event, auth), body))
  setResponseStatus(event, 201)
  return { id: invite.id, inviteUrl: `${getRequestURL(event).origin}/invite/${invite.token}` }
})
