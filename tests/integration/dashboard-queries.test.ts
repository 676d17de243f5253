import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alerts, dealScores } from '../../db/schema'
import { queryRows } from '../../db/client'
import { boardCards, CARDS_PER_STAGE, recentActivity } from '../../server/domain/dashboard/dashboard'
import { ownersOf, withAccess, withTenant, type Access } from '../../server/domain/core/db'
import { createDeal } from '../../server/domain/deals/records'
import { createAccount } from '../../server/domain/records/accounts'
import { writeEvents, type EventRow } from '../../server/domain/events/write'
import { focusList, listAlerts } from '../../server/domain/momentum/queries'
import { focusPriority } from '../../server/domain/momentum/rules'
import { createTenant, createUser } from '../../server/domain/tenancy/tenants'
import { createTestDatabase, type TestDatabase } from '../support/database'

// The dashboard's reads pick their few rows in SQL (the board's largest cards, the focus list's
// candidates, a page of alerts, the latest events) and, for reps and managers, start from the
// owners' deals. These tests hold each against the plain definition over every row.

const DAY = 86_400_000
const NOW = new Date()
let database: TestDatabase
let tenantId: string
let repId: string
let otherId: string
const dealOwner = new Map<string, string>()

beforeAll(async () => {
  database = await createTestDatabase()
  tenantId = (await createTenant(database.db, { name: 'Queries Co' })).tenant.id
  await withTenant(database.db, tenantId, async (tx) => {
    repId = (await createUser(tx, tenantId, { email: 'rep@queries.test', name: 'Rep', role: 'rep' })).id
    otherId = (await createUser(tx, tenantId, { email: 'other@queries.test', name: 'Other', role: 'rep' })).id
    const actor = { tenantId, userId: repId, now: new Date(NOW.getTime() - 40 * DAY) }
    const account = await createAccount(tx, actor, { name: 'Acme' })
    // 90 open deals in one stage (more than a column shows, more than the focus list reads), two owners.
    for (let i = 0; i < 90; i++) {
      const ownerId = i % 3 === 0 ? otherId : repId
      const closeIn = (i * 7) % 50 - 10
      const { id } = await createDeal(tx, actor, {
        name: `Deal ${i}`,
        amount: 1000 + ((i * 7919) % 97) * 1000,
        ownerId,
        accountId: account.id,
        closeDate: new Date(NOW.getTime() + closeIn * DAY).toISOString().slice(0, 10),
      })
      dealOwner.set(id, ownerId)
    }
    const ids = [...dealOwner.keys()]
    await tx.insert(dealScores).values(ids.map((dealId, i) => ({
      tenantId, dealId, score: (i * 37) % 101, state: 'steady' as const, previousScore: i % 4 === 0 ? null : (i * 53) % 101,
      stateSince: NOW, reasons: [], signals: {}, computedAt: NOW,
    })))
    await tx.insert(alerts).values(
      ids.slice(0, 40).map((dealId, i) => ({
        tenantId,
        dealId,
        kind: 'stage_overdue' as const,
        occurrence: `o${i}`,
        message: `alert ${i}`,
        createdAt: new Date(NOW.getTime() - i * 3_600_000),
      })),
    )
    // Events today on a few deals and two to ten days ago on others, so that the latest fifteen need the long window.
    const events: EventRow[] = ids.slice(0, 30).map((dealId, i) => ({
      type: 'note',
      occurredAt: new Date(NOW.getTime() - (i < 4 ? i * 3_600_000 + 60_000 : (2 + (i % 9)) * DAY + i * 60_000)),
      source: 'direct',
      dealId,
      actorUserId: dealOwner.get(dealId)!,
    }))
    await writeEvents(tx, tenantId, events)
  })
})
afterAll(() => database.close())

const admin = (): Access => ({ tenantId, scope: 'tenant' })
const repAccess = (): Access => ({ tenantId, scope: 'owners', ownerIds: [repId] })

describe('the dashboard\'s reads', () => {
  it('ranks the focus list exactly as focusPriority ranks every open deal, for the tenant and for one owner', async () => {
    const everything = await withTenant(database.db, tenantId, tx =>
      queryRows<{ id: string, score: number, previous: number | null, amount: string, days: number | null }>(
        tx,
        sql`
      select d.id, sc.score, sc.previous_score as previous, d.amount, (d.close_date - current_date) as days
      from deals d join deal_scores sc on sc.tenant_id = d.tenant_id and sc.deal_id = d.id where d.tenant_id = ${tenantId}::uuid`,
      ),
    )
    const ranked = (rows: typeof everything) =>
      rows
        .map(r => ({
          id: r.id,
          priority: focusPriority({
            score: r.score,
            change: r.previous === null ? 0 : r.score - r.previous,
            amount: Number(r.amount),
            daysToClose: r.days === null ? null : Number(r.days),
          }),
        }))
        .sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id))
        .map(r => r.id)

    const top = await withAccess(database.db, admin(), tx => focusList(tx, tenantId, { limit: 5 }))
    expect(top.map(f => f.deal.id)).toEqual(ranked(everything).slice(0, 5))
    const mine = await withAccess(database.db, repAccess(), tx => focusList(tx, tenantId, { limit: 5, owners: ownersOf(repAccess()) }))
    expect(mine.map(f => f.deal.id)).toEqual(ranked(everything.filter(r => dealOwner.get(r.id) === repId)).slice(0, 5))
  })

  it('puts the largest deals of each stage on the board, all of them or one owner\'s', async () => {
    const amounts = await withTenant(database.db, tenantId, tx =>
      queryRows<{ id: string, amount: number }>(tx, sql`select id, amount::float as amount from deals where tenant_id = ${tenantId}::uuid`),
    )
    const largest = (ids: { id: string, amount: number }[]) =>
      ids
        .sort((a, b) => b.amount - a.amount || a.id.localeCompare(b.id))
        .slice(0, CARDS_PER_STAGE)
        .map(d => d.id)
    const all = await withAccess(database.db, admin(), tx => boardCards(tx, tenantId, {}))
    expect(all.map(c => c.id)).toEqual(largest(amounts))
    const mine = await withAccess(database.db, repAccess(), tx => boardCards(tx, tenantId, { owners: [repId] }))
    expect(mine.map(c => c.id)).toEqual(largest(amounts.filter(d => dealOwner.get(d.id) === repId)))
    expect(mine.every(c => c.ownerId === repId && c.score !== null)).toBe(true)
  })

  it('pages alerts newest first, from the owners\' deals alone when named, the same as the tenant\'s list filtered', async () => {
    const all = await withAccess(database.db, admin(), tx => listAlerts(tx, tenantId, { state: 'open', limit: 100 }))
    expect(all).toHaveLength(40)
    expect(all.map(a => a.createdAt.getTime())).toEqual([...all.map(a => a.createdAt.getTime())].sort((a, b) => b - a))
    const mine = await withAccess(database.db, repAccess(), tx => listAlerts(tx, tenantId, { state: 'open', limit: 7, owners: [repId] }))
    expect(mine.map(a => a.id)).toEqual(all.filter(a => a.deal.ownerId === repId).slice(0, 7).map(a => a.id))
    expect(
      await withAccess(database.db, repAccess(), tx => listAlerts(tx, tenantId, { state: 'resolved', limit: 7, owners: [repId] })),
    ).toEqual([])
  })

  it('answers the latest activity of the owners\' deals, reaching back past the last day when it has too little', async () => {
    const all = await withAccess(database.db, admin(), tx => recentActivity(tx, tenantId, { limit: 100, now: NOW }))
    expect(all).toHaveLength(30)
    const mine = await withAccess(database.db, repAccess(), tx => recentActivity(tx, tenantId, { limit: 15, owners: [repId], now: NOW }))
    const expected = all.filter(e => dealOwner.get(e.dealId!) === repId).slice(0, 15)
    expect(expected.length).toBe(15)
    expect(mine.map(e => e.id)).toEqual(expected.map(e => e.id))
    const today = await withAccess(database.db, repAccess(), tx => recentActivity(tx, tenantId, { limit: 2, owners: [repId], now: NOW }))
    expect(today.map(e => e.id)).toEqual(expected.slice(0, 2).map(e => e.id))
  })
})
