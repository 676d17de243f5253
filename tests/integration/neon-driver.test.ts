import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, queryRows, resolveDatabaseConfig, type DatabaseHandle } from '../../db/client'
import { tenants } from '../../db/schema'
import { withTenant } from '../../server/domain/core/db'
import { createTenant } from '../../server/domain/tenancy/tenants'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { startWsProxy, type WsProxy } from '../support/ws-proxy'

// The Neon serverless driver against the real local Postgres, through a WebSocket-to-TCP proxy
// started here, as on Neon. Needs a Postgres server: runs when TEST_DATABASE_URL is set (CI).
describe.runIf(Boolean(process.env.TEST_DATABASE_URL))('the Neon driver through a WebSocket proxy', () => {
  let database: TestDatabase
  let proxy: WsProxy
  let neon: DatabaseHandle

  beforeAll(async () => {
    database = await createTestDatabase()
    proxy = await startWsProxy()
    const config = resolveDatabaseConfig({ DATABASE_URL: database.url, DATABASE_DRIVER: 'neon', NEON_WS_PROXY: proxy.address })
    expect(config.kind).toBe('neon')
    neon = await openDatabase(config)
  })
  afterAll(async () => {
    await neon?.close()
    await proxy?.close()
    await database?.close()
  })

  it('queries the migrated database over WebSocket', async () => {
    const [result] = await queryRows<{ n: number }>(neon.db, sql`select count(*)::int as n from momentum_migrations`)
    expect(result!.n).toBeGreaterThanOrEqual(2)
    expect(neon.kind).toBe('neon')
    expect(proxy.connections).toBeGreaterThan(0)
  })

  it('runs interactive transactions: reads its own writes, and rolls back on error', async () => {
    const { tenant } = await createTenant(neon.db, { name: 'Neon Co' })
    await expect(neon.db.transaction(async (tx) => {
      await tx.update(tenants).set({ name: 'Renamed' }).where(eq(tenants.id, tenant.id))
      const [inside] = await tx.select().from(tenants).where(eq(tenants.id, tenant.id))
      expect(inside!.name).toBe('Renamed')
      throw new Error('roll back')
    })).rejects.toThrow('roll back')
    const [after] = await neon.db.select().from(tenants).where(eq(tenants.id, tenant.id))
    expect(after!.name).toBe('Neon Co')
  })

  it('keeps the tenant setting inside its transaction only', async () => {
    const inside = await withTenant(neon.db, '00000000-0000-0000-0000-000000000001', tx =>
      queryRows<{ t: string }>(tx, sql`select current_setting('app.tenant_id', true) as t`))
    expect(inside[0]!.t).toBe('00000000-0000-0000-0000-000000000001')
    const outside = await queryRows<{ t: string | null }>(neon.db, sql`select nullif(current_setting('app.tenant_id', true), '') as t`)
    expect(outside[0]!.t).toBeNull()
  })
})
