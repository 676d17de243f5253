import type { H3Event } from 'h3'
import { and, eq } from 'drizzle-orm'
import { tenants, users, type Role } from '../../db/schema'
import { withTenant } from '../domain/db'

export interface AuthContext {
  tenantId: string
  userId: string
  role: Role
  teamId: string | null
}

declare module 'h3' {
  interface H3EventContext {
    auth?: AuthContext
  }
}

/**
 * The signed-in caller, or 401. The session only names the user: role, team and the active flag
 * are read from the database on every request, so a deactivated user is out at once.
 */
export async function requireAuth(event: H3Event): Promise<AuthContext> {
  if (event.context.auth) return event.context.auth
  const session = await getUserSession(event)
  if (!session.user) throw createError({ statusCode: 401, statusMessage: 'not signed in' })
  const { tenantId, id } = session.user
  const db = await useDb()
  const [user] = await withTenant(db, tenantId, tx => tx
    .select({ role: users.role, teamId: users.teamId, active: users.active })
    .from(users).where(and(eq(users.tenantId, tenantId), eq(users.id, id))).limit(1))
  if (!user?.active) {
    await clearUserSession(event)
    throw createError({ statusCode: 401, statusMessage: 'not signed in' })
  }
  event.context.auth = { tenantId, userId: id, role: user.role, teamId: user.teamId }
  return event.context.auth
}

export async function loadMe(auth: AuthContext) {
  const db = await useDb()
  return withTenant(db, auth.tenantId, async (tx) => {
    const [row] = await tx.select({
      user: { id: users.id, name: users.name, email: users.email, role: users.role, teamId: users.teamId },
      tenant: { id: tenants.id, name: tenants.name, plan: tenants.plan },
    }).from(users).innerJoin(tenants, eq(tenants.id, users.tenantId))
      .where(and(eq(users.tenantId, auth.tenantId), eq(users.id, auth.userId)))
    return row!
  })
}
