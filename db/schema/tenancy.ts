import { sql } from 'drizzle-orm'
import { boolean, foreignKey, index, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { id, PLANS, ROLES, tenantId, timestamps } from './_shared'

export const planEnum = pgEnum('plan', PLANS)
export const roleEnum = pgEnum('role', ROLES)

export const tenants = pgTable('tenants', {
  id: id().primaryKey(),
  name: text('name').notNull(),
  plan: planEnum('plan').notNull().default('free'),
  ...timestamps,
})

export const teams = pgTable('teams', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  name: text('name').notNull(),
  managerId: uuid('manager_id'),
  ...timestamps,
}, t => [
  primaryKey({ name: 'teams_pk', columns: [t.tenantId, t.id] }),
])

export const users = pgTable('users', {
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  id: id(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  role: roleEnum('role').notNull().default('rep'),
  teamId: uuid('team_id'),
  passwordHash: text('password_hash'),
  active: boolean('active').notNull().default(true),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  ...timestamps,
}, t => [
  primaryKey({ name: 'users_pk', columns: [t.tenantId, t.id] }),
  uniqueIndex('users_tenant_email_uq').on(t.tenantId, sql`lower(${t.email})`),
  // Sign-in finds a user by email alone, so a login email is unique across tenants.
  uniqueIndex('users_login_email_uq').on(sql`lower(${t.email})`).where(sql`${t.passwordHash} is not null`),
  index('users_tenant_team_idx').on(t.tenantId, t.teamId),
  foreignKey({ name: 'users_team_fk', columns: [t.tenantId, t.teamId], foreignColumns: [teams.tenantId, teams.id] }),
])
