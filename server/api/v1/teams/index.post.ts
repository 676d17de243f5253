import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import { users } from '../../../../db/schema'
import { audit } from '../../../domain/tenancy/audit'
import { createTeam } from '../../../domain/tenancy/tenants'
import { badRequest } from '../../../domain/core/errors'

export const BodySchema = z.object({
  name: NameSchema,
  managerId: z.uuid().nullish(),
}).strict()

export const meta = defineRoute({ tag: 'People', summary: 'Create a team (admin)', body: BodySchema, status: 201 })

/** Admin: a new team, led by a manager. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const body = await readValidated(event, BodySchema)
  const team = await scoped(event, async (tx) => {
    if (body.managerId) {
      const [manager] = await tx
        .select({ role: users.role })
        .from(users)
        .where(and(eq(users.tenantId, auth.tenantId), eq(users.id, body.managerId)))
      if (!manager) throw badRequest('managerId', 'no such user')
    }
    const created = await createTeam(tx, auth.tenantId, body)
    await audit(tx, actorOf(event, auth), 'team.created', { targetType: 'team', targetId: created.id })
    return created
  })
  setResponseStatus(event, 201)
  return { id: team.id, name: team.name, managerId: team.managerId }
})
