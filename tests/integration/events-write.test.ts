import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, queryRows } from '../../db/client'
import { withTenant } from '../../server/domain/core/db'
import type { NewEvent } from '../../server/domain/events/schema'
import { writeEvents } from '../../server/domain/events/write'
import { createDeal } from '../../server/domain/deals/records'
import { createUser, createTenant } from '../../server/domain/tenancy/tenants'
import { createTestDatabase, type TestDatabase } from '../support/database'

let database: TestDatabase
let tenantId: string
beforeAll(async () => {
  database = await createTestDatabase()
  tenantId = (await createTenant(database.db, { name: 'Events Co' })).tenant.id
})
afterAll(() => database.close())

const batch = (prefix: string, n: number): NewEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    type: 'email_opened',
    occurredAt: new Date(Date.UTC(2026, 10, 1, 0, i)),
    source: 'email',
    externalId: `${prefix}-${i}`,
    accountId: tenantId,
  }))
const count = async (prefix: string) => (await queryRows<{ n: number }>(database.db,
  sql`select count(*)::int as n from events where tenant_id = ${tenantId} and external_id like ${`${prefix}-%`}`))[0]!.n

describe('writeEvents', () => {
  it('stores a batch set-wise and the same batch again as duplicates only', async () => {
    const first = await withTenant(database.db, tenantId, tx => writeEvents(tx, tenantId, batch('twice', 50)))
    expect(first).toMatchObject({ inserted: 50, duplicates: 0 })
    const second = await withTenant(database.db, tenantId, tx => writeEvents(tx, tenantId, batch('twice', 50)))
    expect(second).toMatchObject({ inserted: 0, duplicates: 50, stored: [] })
    expect(await count('twice')).toBe(50)
  })

  it('keeps one copy of a source event repeated inside one batch, even with another time', async () => {
    const [a] = batch('inner', 1)
    const result = await withTenant(database.db, tenantId, tx =>
      writeEvents(tx, tenantId, [a!, { ...a!, occurredAt: new Date('2026-11-20T00:00:00Z') }]),
    )
    expect(result).toMatchObject({ inserted: 1, duplicates: 1 })
    expect(await count('inner')).toBe(1)
  })

  it('stores nothing when the transaction around it fails', async () => {
    await expect(withTenant(database.db, tenantId, async (tx) => {
      await writeEvents(tx, tenantId, batch('rolled', 10))
      throw new Error('boom')
    })).rejects.toThrow('boom')
    expect(await count('rolled')).toBe(0)
  })

  it.runIf(Boolean(process.env.TEST_DATABASE_URL))('stores two concurrent copies of a batch once (real Postgres)', async () => {
    const second = await openDatabase({ kind: 'postgres', url: database.url!, poolMax: 2 })
    try {
      const results = await Promise.all([database.db, second.db].map(db =>
        withTenant(db, tenantId, tx => writeEvents(tx, tenantId, batch('race', 500)))))
      expect(results.map(r => r.inserted).sort((a, b) => a - b)).toEqual([0, 500])
      expect(await count('race')).toBe(500)
    }
    finally {
      await second.close()
    }
  })

  it('takes concurrent batches about the same deals in any order without deadlocking (the soak run found a 500 here)', async () => {
    const dealIds = await withTenant(database.db, tenantId, async (tx) => {
      const user = await createUser(tx, tenantId, { email: 'deadlock@events.test', name: 'Owner', role: 'rep' })
      const ids: string[] = []
      for (let i = 0; i < 40; i++) ids.push((await createDeal(tx, { tenantId, userId: user.id }, { name: `Deal ${i}`, amount: 1 })).id)
      return ids
    })
    const shuffled = (seed: number) =>
      [...dealIds].sort((a, b) => ((a.charCodeAt(seed % 30) * (seed + 7)) % 97) - ((b.charCodeAt(seed % 30) * (seed + 7)) % 97))
    for (let round = 0; round < 4; round++) {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, t) =>
          withTenant(database.db, tenantId, tx =>
            writeEvents(
              tx,
              tenantId,
              shuffled(round * 6 + t).flatMap((dealId, i) =>
                Array.from({ length: 10 }, (_, k) => ({
                  type: 'note' as const,
                  occurredAt: new Date(Date.UTC(2026, 10, 2, 0, i, k)),
                  source: 'concurrent',
                  externalId: `c-${round}-${t}-${i}-${k}`,
                  dealId,
                })),
              ),
            ),
          ),
        ),
      )
      expect(results.map(r => r.inserted)).toEqual([400, 400, 400, 400, 400, 400])
    }
    expect(await count('c')).toBe(4 * 6 * 400)
  })
})
