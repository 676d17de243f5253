import { and, eq, inArray } from 'drizzle-orm'
import { teams, users, type Role } from '../../../db/schema'
import type { Access, Tx } from '../core/db'

/**
 * What a user may see, by role: an admin the whole tenant, a manager their own records and
 * those of the members of the teams they lead, a rep their own.
 */
export async function accessFor(tx: Tx, user: { tenantId: string, id: string, role: Role }): Promise<Access> {
  if (user.role === 'admin') return { tenantId: user.tenantId, scope: 'tenant' }
  if (user.role === 'rep') return { tenantId: user.tenantId, scope: 'owners', ownerIds: [user.id] }
  const led = (await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, user.tenantId), eq(teams.managerId, user.id)))
    .orderBy(teams.id)).map(t => t.id)
  const members = led.length
    ? await tx.select({ id: users.id }).from(users).where(and(eq(users.tenantId, user.tenantId), inArray(users.teamId, led)))
    : []
  return { tenantId: user.tenantId, scope: 'owners', ownerIds: [...new Set([user.id, ...members.map(m => m.id)])], teamIds: led }
}

/** Whether the caller sees this owner's records: the whole tenant, or one of their owners. */
export const seesOwner = (access: Access, ownerId: string) => access.scope === 'tenant' || access.ownerIds.includes(ownerId)

/** Whether the caller sees this team as a whole: admins any, managers the teams they lead, reps none. */
export const seesTeam = (access: Access, teamId: string) => access.scope === 'tenant' || (access.teamIds ?? []).includes(teamId)

/** The team a manager's screens open on: the first team they lead (null for reps, admins, or a manager who leads none). */
export const ledTeam = (access: Access): string | null => access.scope === 'owners' ? access.teamIds?.[0] ?? null : null
