import { and, eq, isNotNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import { users } from '../../../db/schema'
import { verifyPassword } from '../../domain/tenancy/passwords'

const BodySchema = z.object({
  email: z.email().max(320),
  password: z.string().min(1).max(1024),
})

export default defineEventHandler(async (event) => {
  const { email, password } = await readValidated(event, BodySchema)
  const db = await useDb()
  const [user] = await db.select().from(users)
    .where(and(eq(sql`lower(${users.email})`, email.toLowerCase()), isNotNull(users.passwordHash), eq(users.active, true)))
    .limit(1)
  if (!user || !(await verifyPassword(user.passwordHash!, password))) {
    throw createError({ statusCode: 401, statusMessage: 'wrong email or password' })
  }
  const sessionUser = { id: user.id, tenantId: user.tenantId, name: user.name, email: user.email, role: user.role, teamId: user.teamId }
  // A fresh session at every sign-in (no session fixation).
  await replaceUserSession(event, { user: sessionUser, loggedInAt: new Date().toISOString() })
  return { user: sessionUser }
})
