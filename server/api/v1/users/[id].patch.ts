import { z } from 'zod'
import { updateUser } from '../../../domain/tenancy/people'

export const BodySchema = z.object({
  name: NameSchema.optional(),
  role: RoleSchema.optional(),
  teamId: z.uuid().nullable().optional(),
  active: z.boolean().optional(),
}).strict().refine(b => Object.keys(b).length > 0, 'nothing to change')

export const meta = defineRoute({ tag: 'People', summary: 'Change role, team or active (admin)', body: BodySchema })

/** Admin: change a user's role or team, or (de)activate them. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const { id } = paramsValidated(event, IdParamsSchema)
  const patch = await readValidated(event, BodySchema)
  const user = await scoped(event, tx => updateUser(tx, actorOf(event, auth), id, patch))
  return { id: user.id, name: user.name, email: user.email, role: user.role, teamId: user.teamId, active: user.active }
})
