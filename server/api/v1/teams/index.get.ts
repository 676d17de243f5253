import { asc, eq } from 'drizzle-orm'
import { teams } from '../../../../db/schema'

export const meta = defineRoute({ tag: 'People', summary: 'Teams' })

export default defineEventHandler(event => scoped(event, async (tx, auth) => ({
  data: await tx.select({ id: teams.id, name: teams.name, managerId: teams.managerId }).from(teams)
    .where(eq(teams.tenantId, auth.tenantId)).orderBy(asc(teams.name)),
})))
