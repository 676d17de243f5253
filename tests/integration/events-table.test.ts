import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../db/client'
import { loadMigrations, migrate, pendingMigrations } from '../../db/migrate'
import { createTenant } from '../../server/domain/tenancy/tenants'
import { ensureEventPartitions } from '../../server/domain/events/partitions'
import { writeEvents } from '../../server/domain/events/write'
import { withTenant } from '../../server/domain/core/db'
import { createTestDatabase, type TestDatabase } from '../support/database'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

describe('the migrated schema', () => {
  it('leaves no migration pending, and applying them again changes nothing', async () => {
    const migrations = await loadMigrations('db/migrations')
    expect(await pendingMigrations(database.db, migrations)).toEqual([])
    expect(await migrate(database.db, migrations)).toEqual([])
  })

  it('makes events a table partitioned by range of occurred_at, with a default partition', async () => {
    const [table] = await queryRows<{ strategy: string, key: string }>(database.db, sql`
      select p.partstrat as strategy, a.attname as key
      from pg_partitioned_table p join pg_attribute a on a.attrelid = p.partrelid and a.attnum = p.partattrs[0]
      where p.partrelid = 'events'::regclass`)
    expect(table).toEqual({ strategy: 'r', key: 'occurred_at' })
    const [def] = await queryRows<{ name: string }>(
      database.db,
      sql`select partdefid::regclass::text as name from pg_partitioned_table where partrelid = 'events'::regclass`,
    )
    expect(def?.name).toBe('events_default')
  })

  it('indexes events for a deal by time and a user in a time range, leading with tenant_id', async () => {
    const indexes = await queryRows<{ name: string, def: string }>(database.db, sql`
      select indexname as name, indexdef as def from pg_indexes where tablename = 'events' order by 1`)
    expect(indexes.find(i => i.name === 'events_tenant_deal_time_idx')?.def).toContain('(tenant_id, deal_id, occurred_at)')
    expect(indexes.find(i => i.name === 'events_tenant_actor_time_idx')?.def).toContain('(tenant_id, actor_user_id, occurred_at)')
  })

  it('creates monthly partitions ahead, and moves events out of the default partition into their month', async () => {
    await ensureEventPartitions(database.db, 3)
    const { tenant } = await createTenant(database.db, { name: 'Partition Co' })
    const old = new Date('2024-02-14T12:00:00Z')
    await withTenant(database.db, tenant.id, tx => writeEvents(tx, tenant.id, [
      { type: 'note', occurredAt: old, source: 'direct', accountId: tenant.id },
    ]))
    const where = async () =>
      (
        await queryRows<{ part: string }>(
          database.db,
          sql`select tableoid::regclass::text as part from events where occurred_at = ${old.toISOString()}::timestamptz`,
        )
      )[0]?.part
    expect(await where()).toBe('events_default')

    expect(await ensureEventPartitions(database.db, 3)).toBe(1)
    expect(await where()).toBe('events_2024_02')
    const parts = (
      await queryRows<{ name: string }>(
        database.db,
        sql`select inhrelid::regclass::text as name from pg_inherits where inhparent = 'events'::regclass`,
      )
    ).map(r => r.name)
    const month = (offset: number) => {
      const d = new Date()
      d.setUTCDate(1)
      d.setUTCMonth(d.getUTCMonth() + offset)
      return `events_${d.toISOString().slice(0, 7).replace('-', '_')}`
    }
    expect(parts).toEqual(expect.arrayContaining([month(0), month(1), month(2), month(3), 'events_2024_02', 'events_default']))
    expect(await ensureEventPartitions(database.db, 3)).toBe(0)
  })

  it('reads a time range from the partitions it needs only', async () => {
    const plan = (await queryRows<{ 'QUERY PLAN': string }>(database.db, sql`
      explain select * from events where occurred_at >= '2024-02-01T00:00:00Z' and occurred_at < '2024-03-01T00:00:00Z'`))
      .map(r => r['QUERY PLAN']).join('\n')
    expect(plan).toContain('events_2024_02')
    expect(plan).not.toMatch(/events_20(2[5-9]|3\d)_/)
  })
})
