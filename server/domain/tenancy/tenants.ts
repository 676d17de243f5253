import { and, eq } from 'drizzle-orm'
import type { AppDatabase } from '../../../db/client'
import { pipelineStages, teams, tenants, users, type Plan, type Role } from '../../../db/schema'
import { withTenant, type Tx } from '../db'
import { DEFAULT_STAGES } from '../deals/stages'
import { hashPassword } from './passwords'

/** Creates a tenant with the default pipeline. */
export async function createTenant(db: AppDatabase, input: { name: string, plan?: Plan }) {
  const [tenant] = await db.insert(tenants).values({ name: input.name, plan: input.plan ?? 'free' }).returning()
  await withTenant(db, tenant!.id, tx =>
    tx.insert(pipelineStages).values(DEFAULT_STAGES.map(s => ({ ...s, tenantId: tenant!.id }))))
  return tenant!
}

export async function createTeam(tx: Tx, tenantId: string, input: { name: string, managerId?: string }) {
  const [team] = await tx.insert(teams).values({ tenantId, name: input.name, managerId: input.managerId }).returning()
  return team!
}

export async function setTeamManager(tx: Tx, tenantId: string, teamId: string, managerId: string) {
  await tx.update(teams).set({ managerId, updatedAt: new Date() })
    .where(and(eq(teams.tenantId, tenantId), eq(teams.id, teamId)))
}

export interface NewUser {
  email: string
  name: string
  role: Role
  teamId?: string | null
  password?: string
  active?: boolean
}

export async function createUser(tx: Tx, tenantId: string, input: NewUser) {
  const passwordHash = input.password ? await hashPassword(input.password) : null
  const [user] = await tx.insert(users).values({
    tenantId,
    email: input.email.toLowerCase(),
    name: input.name,
    role: input.role,
    teamId: input.teamId ?? null,
    passwordHash,
    active: input.active ?? true,
  }).returning()
  return user!
}
