import { and, eq, inArray } from 'drizzle-orm'
import { teams, users, type Role } from '../../../db/schema'
import type { Access, Tx } from '../db'

/**
 * What a user may see, by role: an admin the whole tenant, a manager their own records and
 * those of the members of the teams they lead, a rep their own.
 */
export async function accessFor(tx: Tx, user: { tenantId: string, id: string, role: Role }): Promise<Access> {
  if (user.role === 'admin') return { tenantId: user.tenantId, scope: 'tenant' }
  if (user.role === 'rep') return { tenantId: user.tenantId, scope: 'owners', ownerIds: [user.id] }
  const led = tx.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, user.tenantId), eq(teams.managerId, user.id)))
  const members = await tx.select({ id: users.id }).from(users).where(and(eq(users.tenantId, user.tenantId), inArray(users.teamId, led)))
  return { tenantId: user.tenantId, scope: 'owners', ownerIds: [...new Set([user.id, ...members.map(m => m.id)])] }
}
