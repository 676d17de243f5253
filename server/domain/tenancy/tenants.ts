import { and, eq, sql } from 'drizzle-orm'
import type { AppDatabase } from '../../../db/client'
import { pipelineStages, teams, tenants, users, type Plan, type Role } from '../../../db/schema'
import { APP_ROLE, committed, unavailable, type Tx } from '../core/db'
import { DEFAULT_STAGES } from '../deals/stages'
import { publish } from '../events/bus'
import { hashPassword } from './passwords'

type Tenant = typeof tenants.$inferSelect

/**
 * Creates a tenant with the default pipeline and whatever `setup` adds (its first admin, say),
 * all in one transaction. The tenant row is written as the database owner (the app role sees
 * only its own tenant); everything after it runs as the app role, scoped to the new tenant.
 */
export async function createTenant<T = undefined>(
  db: AppDatabase,
  input: { name: string, plan?: Plan },
  setup?: (tx: Tx, tenant: Tenant) => Promise<T>,
): Promise<{ tenant: Tenant, result: T | undefined }> {
  return committed(db, async (tx) => {
    const [tenant] = await tx.insert(tenants).values({ name: input.name, plan: input.plan ?? 'free' }).returning()
    await tx.execute(sql`select set_config('role', ${APP_ROLE}, true), set_config('app.tenant_id', ${tenant!.id}, true),
      set_config('app.scope', 'tenant', true)`)
    await tx.insert(pipelineStages).values(DEFAULT_STAGES.map(s => ({ ...s, tenantId: tenant!.id })))
    const result = setup ? await setup(tx, tenant!) : undefined
    return { tenant: tenant!, result }
  }).catch(unavailable)
}

/**
 * Tells every process that who sees what may have changed in the tenant (a role, a team, a user
 * (de)activated or invited): their caches of signed-in callers and of dashboards forget it.
 */
export const peopleChanged = (tx: Tx, tenantId: string) => publish(tx, [{ tenantId, topic: 'people.changed', data: {} }])

export async function createTeam(tx: Tx, tenantId: string, input: { name: string, managerId?: string | null }) {
  const [team] = await tx.insert(teams).values({ tenantId, name: input.name, managerId: input.managerId ?? null }).returning()
  await peopleChanged(tx, tenantId)
  return team!
}

export async function setTeamManager(tx: Tx, tenantId: string, teamId: string, managerId: string) {
  await tx.update(teams).set({ managerId, updatedAt: new Date() })
    .where(and(eq(teams.tenantId, tenantId), eq(teams.id, teamId)))
  await peopleChanged(tx, tenantId)
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
  if (user!.teamId) await peopleChanged(tx, tenantId)
  return user!
}
