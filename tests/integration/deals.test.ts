import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deals, events } from '../../db/schema'
import { withTenant } from '../../server/domain/core/db'
import { changeDealStage, createDeal, updateDeal, type Actor } from '../../server/domain/deals/records'
import { createTenant, createUser } from '../../server/domain/tenancy/tenants'
import { createTestDatabase, type TestDatabase } from '../support/database'

let database: TestDatabase
let actor: Actor
beforeAll(async () => {
  database = await createTestDatabase()
  const { tenant } = await createTenant(database.db, { name: 'Deals Co' })
  const user = await withTenant(database.db, tenant.id, tx =>
    createUser(tx, tenant.id, { email: 'rep@deals.test', name: 'Rep', role: 'rep' }),
  )
  actor = { tenantId: tenant.id, userId: user.id }
})
afterAll(() => database.close())

const inTenant = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, actor.tenantId, fn)
const eventsOf = (dealId: string) => inTenant(tx => tx.select().from(events)
  .where(and(eq(events.tenantId, actor.tenantId), eq(events.dealId, dealId))).orderBy(asc(events.occurredAt), asc(events.type)))

describe('deal writes', () => {
  it('creates a deal in the first stage with its deal_created event', async () => {
    const deal = await inTenant(tx => createDeal(tx, actor, { name: 'Pilot', amount: 12000 }))
    expect(deal).toMatchObject({ stage: 'new', amount: '12000.00', currency: 'USD', ownerId: actor.userId })
    expect((await eventsOf(deal.id)).map(e => e.type)).toEqual(['deal_created'])
  })

  it('moves a deal through an allowed transition and records from, to, reason and who', async () => {
    const deal = await inTenant(tx =>
      createDeal(tx, { ...actor, now: new Date('2026-10-01T00:00:00Z') }, { name: 'Expansion', amount: 5000 }),
    )
    const moved = await inTenant(tx =>
      changeDealStage(tx, { ...actor, now: new Date('2026-10-03T00:00:00Z') }, deal.id, { to: 'contacted', reason: 'first call' }),
    )
    expect(moved.stage).toBe('contacted')
    const changed = (await eventsOf(deal.id)).find(e => e.type === 'stage_changed')
    expect(changed?.metadata).toEqual({ from: 'new', to: 'contacted', reason: 'first call', by: actor.userId, secondsInStage: 2 * 86400 })
  })

  it('refuses a move the pipeline does not allow with 409 and the allowed moves, writing nothing', async () => {
    const deal = await inTenant(tx => createDeal(tx, actor, { name: 'Skip', amount: 1 }))
    await expect(inTenant(tx => changeDealStage(tx, actor, deal.id, { to: 'won' }))).rejects.toMatchObject({
      statusCode: 409, data: { error: 'invalid_transition', from: 'new', to: 'won', allowed: ['contacted', 'lost'] },
    })
    expect((await eventsOf(deal.id)).map(e => e.type)).toEqual(['deal_created'])
  })

  it('refuses every move the default pipeline does not allow, with 409 and the allowed moves', async () => {
    const order = ['new', 'contacted', 'qualified', 'proposal', 'negotiation', 'won', 'lost']
    const allowed: Record<string, string[]> = {
      new: ['contacted', 'lost'],
      contacted: ['qualified', 'lost'],
      qualified: ['proposal', 'lost'],
      proposal: ['negotiation', 'lost'],
      negotiation: ['won', 'lost'],
      won: [],
      lost: ['new'],
    }
    let refused = 0
    for (const from of order) {
      const deal = await inTenant(tx => createDeal(tx, actor, { name: `From ${from}`, amount: 1, stage: from }))
      for (const to of order.filter(t => t !== from && !allowed[from]!.includes(t))) {
        await expect(inTenant(tx => changeDealStage(tx, actor, deal.id, { to })), `${from} -> ${to}`)
          .rejects.toMatchObject({ statusCode: 409, data: { error: 'invalid_transition', from, to, allowed: allowed[from] } })
        refused++
      }
    }
    expect(refused).toBe(7 * 6 - 11)
  })

  it('closes a deal that is lost with that day as close date', async () => {
    const deal = await inTenant(tx => createDeal(tx, actor, { name: 'Lost one', amount: 1, closeDate: '2027-01-01' }))
    const lost = await inTenant(tx => changeDealStage(tx, { ...actor, now: new Date('2026-11-05T10:00:00Z') }, deal.id, { to: 'lost' }))
    expect(lost).toMatchObject({ stage: 'lost', closeDate: '2026-11-05' })
    expect(lost.closedAt?.toISOString()).toBe('2026-11-05T10:00:00.000Z')
  })

  it('records amount and close-date changes with old and new values', async () => {
    const deal = await inTenant(tx => createDeal(tx, actor, { name: 'Slipper', amount: 10000, closeDate: '2026-12-01' }))
    await inTenant(tx => updateDeal(tx, actor, deal.id, { closeDate: '2027-01-15', amount: 8000, name: 'Slipper (renamed)' }))
    const updated = (await eventsOf(deal.id)).find(e => e.type === 'deal_updated')
    expect(updated?.metadata).toEqual({
      changes: { closeDate: { from: '2026-12-01', to: '2027-01-15' }, amount: { from: 10000, to: 8000 } },
    })
  })

  it('gives 404 for a deal of another tenant', async () => {
    const { tenant: other } = await createTenant(database.db, { name: 'Other Co' })
    const deal = await inTenant(tx => createDeal(tx, actor, { name: 'Mine', amount: 1 }))
    await expect(
      withTenant(database.db, other.id, tx => changeDealStage(tx, { tenantId: other.id, userId: null }, deal.id, { to: 'contacted' })),
    ).rejects.toMatchObject({ statusCode: 404 })
    const [row] = await inTenant(tx => tx.select({ stage: deals.stage }).from(deals).where(eq(deals.id, deal.id)))
    expect(row?.stage).toBe('new')
  })
})
