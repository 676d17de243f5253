import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../db/client'
import { deals } from '../../db/schema'
import { withAccess, withTenant } from '../../server/domain/core/db'
import { createDeal } from '../../server/domain/deals/records'
import { createTenant, createUser } from '../../server/domain/tenancy/tenants'
import { createTestDatabase, type TestDatabase } from '../support/database'

let database: TestDatabase
const tenant: Record<'a' | 'b', { id: string, rep: string, other: string }> = {} as never
beforeAll(async () => {
  database = await createTestDatabase()
  for (const key of ['a', 'b'] as const) {
    const { tenant: t, result } = await createTenant(database.db, { name: `RLS ${key}` }, async (tx, t) => ({
      rep: await createUser(tx, t.id, { email: `rep@${key}.rls`, name: 'Rep', role: 'rep' }),
      other: await createUser(tx, t.id, { email: `other@${key}.rls`, name: 'Other', role: 'rep' }),
    }))
    tenant[key] = { id: t.id, rep: result!.rep.id, other: result!.other.id }
    await withTenant(database.db, t.id, async (tx) => {
      await createDeal(tx, { tenantId: t.id, userId: result!.rep.id }, { name: `${key} mine`, amount: 1 })
      await createDeal(tx, { tenantId: t.id, userId: result!.other.id }, { name: `${key} theirs`, amount: 1 })
    })
  }
})
afterAll(() => database.close())

/** Drizzle wraps driver errors ("Failed query: …"); the database's own words are in the cause. */
const databaseSaid = (pattern: RegExp) => (error: unknown) =>
  pattern.test(String((error as Error).message)) || pattern.test(String(((error as Error).cause as Error | undefined)?.message))

describe('row-level security underneath the app', () => {
  it('shows the app role no rows at all without the tenant setting', async () => {
    const counts = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local role momentum_app`)
      const tables = ['deals', 'users', 'events', 'teams', 'pipeline_stages', 'accounts', 'contacts', 'audit_log', 'api_keys', 'tenants']
      const counts: [string, number][] = []
      for (const t of tables) counts.push([t, (await queryRows<{ n: number }>(tx, sql.raw(`select count(*)::int as n from ${t}`)))[0]!.n])
      return counts
    })
    expect(Object.fromEntries(counts)).toEqual({
      deals: 0,
      users: 0,
      events: 0,
      teams: 0,
      pipeline_stages: 0,
      accounts: 0,
      contacts: 0,
      audit_log: 0,
      api_keys: 0,
      tenants: 0,
    })
  })

  it('shows a tenant only its own rows, even to a query with no WHERE', async () => {
    const names = await withTenant(database.db, tenant.a.id, tx => tx.select({ name: deals.name }).from(deals))
    expect(names.map(d => d.name).sort()).toEqual(['a mine', 'a theirs'])
  })

  it('shows a rep only what they own', async () => {
    const names = await withAccess(database.db, { tenantId: tenant.a.id, scope: 'owners', ownerIds: [tenant.a.rep] }, tx =>
      tx.select({ name: deals.name }).from(deals),
    )
    expect(names.map(d => d.name)).toEqual(['a mine'])
  })

  it('refuses to write a row into another tenant', async () => {
    await expect(
      withTenant(database.db, tenant.a.id, tx =>
        tx.insert(deals).values({ tenantId: tenant.b.id, name: 'sneaky', ownerId: tenant.b.rep, stage: 'new' }),
      ),
    ).rejects.toSatisfy(databaseSaid(/row-level security/))
  })

  it('does not let the app role change or delete events (append-only)', async () => {
    await expect(withTenant(database.db, tenant.a.id, tx => tx.execute(sql`delete from events`))).rejects.toSatisfy(
      databaseSaid(/permission denied/),
    )
    await expect(withTenant(database.db, tenant.a.id, tx => tx.execute(sql`update events set type = 'note'`))).rejects.toSatisfy(
      databaseSaid(/permission denied/),
    )
  })

  it('runs the app role as neither superuser nor able to bypass RLS', async () => {
    const [role] = await queryRows<{ rolsuper: boolean, rolbypassrls: boolean }>(
      database.db,
      sql`select rolsuper, rolbypassrls from pg_roles where rolname = 'momentum_app'`,
    )
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false })
  })
})
