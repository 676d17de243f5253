import { and, eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog, deals, events, savedViews } from '../../db/schema'
import { withAccess, withTenant, type Access } from '../../server/domain/core/db'
import { BulkSchema, bulkDeals } from '../../server/domain/deals/bulk'
import { listDeals } from '../../server/domain/deals/queries'
import { createDeal, type Actor } from '../../server/domain/deals/records'
import { createView, deleteView, listViews, updateView, type Viewer } from '../../server/domain/records/views'
import { createTeam, createTenant, createUser } from '../../server/domain/tenancy/tenants'
import { createTestDatabase, type TestDatabase } from '../support/database'

let database: TestDatabase
let tenantId: string
let admin: Actor & { userId: string }
let rep: Actor & { userId: string }
let other: Actor & { userId: string }
let teamId: string
let outsiderId: string
beforeAll(async () => {
  database = await createTestDatabase()
  const { tenant } = await createTenant(database.db, { name: 'Bulk Co' })
  tenantId = tenant.id
  await withTenant(database.db, tenantId, async (tx) => {
    teamId = (await createTeam(tx, tenantId, { name: 'East' })).id
    admin = { tenantId, userId: (await createUser(tx, tenantId, { email: 'admin@bulk.test', name: 'Admin', role: 'admin' })).id }
    rep = { tenantId, userId: (await createUser(tx, tenantId, { email: 'rep@bulk.test', name: 'Rep', role: 'rep', teamId })).id }
    other = { tenantId, userId: (await createUser(tx, tenantId, { email: 'other@bulk.test', name: 'Other', role: 'rep', teamId })).id }
    outsiderId = (await createUser(tx, tenantId, { email: 'out@bulk.test', name: 'Outsider', role: 'rep' })).id
  })
})
afterAll(() => database.close())

const tenantWide: () => Access = () => ({ tenantId, scope: 'tenant' })
const ownersOnly = (...ownerIds: string[]): Access => ({ tenantId, scope: 'owners', ownerIds })
const inTenant = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, tenantId, fn)
const auditOf = (action: string) =>
  inTenant(tx =>
    tx
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action))),
  )

describe('bulk changes to deals', () => {
  it('gives 50 deals a new owner in one request, audited once, each change recorded on its deal', async () => {
    const made = await inTenant(async tx =>
      Promise.all(Array.from({ length: 50 }, (_, i) => createDeal(tx, admin, { name: `Bulk ${i}`, amount: 100 + i, ownerId: rep.userId }))),
    )
    const ids = made.map(d => d.id)
    const result = await withAccess(database.db, tenantWide(), tx => bulkDeals(tx, admin, { ids, set: { ownerId: other.userId } }))
    expect(result.refused).toEqual([])
    expect([...result.updated].sort()).toEqual([...ids].sort())
    const owners = await inTenant(tx => tx.select({ ownerId: deals.ownerId }).from(deals).where(inArray(deals.id, ids)))
    expect(new Set(owners.map(o => o.ownerId))).toEqual(new Set([other.userId]))
    const audits = await auditOf('deals.bulk_updated')
    expect(audits).toHaveLength(1)
    expect(audits[0]).toMatchObject({
      actorUserId: admin.userId,
      targetType: 'deal',
      metadata: { requested: 50, updated: 50, refused: 0, set: { ownerId: other.userId } },
    })
    const changes = await inTenant(tx =>
      tx
        .select({ dealId: events.dealId })
        .from(events)
        .where(and(eq(events.type, 'deal_updated'), inArray(events.dealId, ids))),
    )
    expect(changes).toHaveLength(50)
  })

  it('moves the deals the stage machine allows and reports the others with their allowed next stages', async () => {
    const [proposal, fresh, negotiating] = await inTenant(tx => Promise.all([
      createDeal(tx, rep, { name: 'In proposal', amount: 1, stage: 'proposal' }),
      createDeal(tx, rep, { name: 'Brand new', amount: 1, stage: 'new' }),
      createDeal(tx, rep, { name: 'Already there', amount: 1, stage: 'negotiation' }),
    ]))
    const result = await withAccess(database.db, ownersOnly(rep.userId), tx =>
      bulkDeals(
        tx,
        rep,
        BulkSchema.parse({ ids: [proposal!.id, fresh!.id, negotiating!.id], set: { stage: 'negotiation', tags: ['Q4', 'q4', 'Hot'] } }),
      ),
    )
    expect(result.updated.sort()).toEqual([proposal!.id, negotiating!.id].sort())
    expect(result.refused).toEqual([{ id: fresh!.id, reason: 'stage move not allowed', allowed: ['contacted', 'lost'] }])
    const rows = await inTenant(tx =>
      tx
        .select({ id: deals.id, stage: deals.stage, tags: deals.tags })
        .from(deals)
        .where(inArray(deals.id, [proposal!.id, fresh!.id, negotiating!.id])),
    )
    const byId = Object.fromEntries(rows.map(r => [r.id, r]))
    expect(byId[proposal!.id]).toMatchObject({ stage: 'negotiation', tags: ['Q4', 'Hot'] })
    // The refused row is left whole: neither its stage nor its tags changed.
    expect(byId[fresh!.id]).toMatchObject({ stage: 'new', tags: [] })
    expect(byId[negotiating!.id]).toMatchObject({ stage: 'negotiation', tags: ['Q4', 'Hot'] })
  })

  it('refuses ids the caller cannot see as "not found" and touches nothing of theirs', async () => {
    const theirs = await inTenant(tx => createDeal(tx, other, { name: 'Not yours', amount: 5 }))
    const mine = await inTenant(tx => createDeal(tx, rep, { name: 'Yours', amount: 5 }))
    const missing = '6a1f1f1f-1f1f-4f1f-8f1f-1f1f1f1f1f1f'
    const result = await withAccess(database.db, ownersOnly(rep.userId), tx =>
      bulkDeals(tx, rep, { ids: [theirs.id, mine.id, missing], delete: true }),
    )
    expect(result.updated).toEqual([mine.id])
    expect(result.refused).toEqual([{ id: theirs.id, reason: 'not found' }, { id: missing, reason: 'not found' }])
    const left = await inTenant(tx => tx.select({ id: deals.id }).from(deals).where(inArray(deals.id, [theirs.id, mine.id])))
    expect(left.map(d => d.id)).toEqual([theirs.id])
    expect(await auditOf('deals.bulk_deleted')).toHaveLength(1)
  })

  it('refuses an owner the tenant does not have as a field error, changing nothing', async () => {
    const deal = await inTenant(tx => createDeal(tx, admin, { name: 'Keep', amount: 1, ownerId: rep.userId }))
    await expect(
      withAccess(database.db, tenantWide(), tx =>
        bulkDeals(tx, admin, { ids: [deal.id], set: { ownerId: '6a1f1f1f-1f1f-4f1f-8f1f-1f1f1f1f1f1f' } }),
      ),
    ).rejects.toMatchObject({ statusCode: 400, data: { issues: [{ path: 'set.ownerId', message: 'no such active user' }] } })
  })
})

describe('deal tags', () => {
  it('filters the list to deals holding all the tags asked for', async () => {
    const both = await inTenant(tx => createDeal(tx, rep, { name: 'Both tags', amount: 1, tags: ['Renewal', 'EMEA'] }))
    await inTenant(tx => createDeal(tx, rep, { name: 'One tag', amount: 1, tags: ['Renewal'] }))
    const found = await withAccess(database.db, ownersOnly(rep.userId), tx =>
      listDeals(tx, tenantId, { limit: 50, tags: ['Renewal', 'EMEA'] }),
    )
    expect(found.data.map(d => d.name)).toEqual(['Both tags'])
    expect(found.data[0]!.tags).toEqual(['Renewal', 'EMEA'])
    expect(both.tags).toEqual(['Renewal', 'EMEA'])
    const renewals = await withAccess(database.db, ownersOnly(rep.userId), tx =>
      listDeals(tx, tenantId, { limit: 50, tags: ['Renewal'], sort: 'name' }),
    )
    expect(renewals.data.map(d => d.name)).toEqual(['Both tags', 'One tag'])
    const reversed = await withAccess(database.db, ownersOnly(rep.userId), tx =>
      listDeals(tx, tenantId, { limit: 1, tags: ['Renewal'], sort: 'name', dir: 'desc' }),
    )
    expect(reversed.data.map(d => d.name)).toEqual(['One tag'])
    const next = await withAccess(database.db, ownersOnly(rep.userId), tx =>
      listDeals(tx, tenantId, { limit: 1, tags: ['Renewal'], sort: 'name', dir: 'desc', cursor: reversed.nextCursor! }),
    )
    expect(next.data.map(d => d.name)).toEqual(['Both tags'])
  })
})

describe('saved views', () => {
  const viewer = (u: { userId: string }, team: string | null, isAdmin = false): Viewer => ({
    tenantId,
    userId: u.userId,
    teamId: team,
    admin: isAdmin,
  })
  const view = (name: string, shared: boolean) => ({
    name,
    recordType: 'deals' as const,
    filters: { stage: 'proposal' },
    sort: { field: 'amount', direction: 'desc' as const },
    columns: ['name', 'amount'],
    shared,
  })

  it('lists the caller\'s own views and the shared ones of their team; admins see every shared one', async () => {
    const repViews = ownersOnly(rep.userId)
    await withAccess(database.db, repViews, tx => createView(tx, viewer(rep, teamId), view('Rep private', false)))
    await withAccess(database.db, repViews, tx => createView(tx, viewer(rep, teamId), view('Rep shared', true)))
    await withAccess(database.db, ownersOnly(outsiderId), tx =>
      createView(tx, viewer({ userId: outsiderId }, null), view('Outsider shared', true)),
    )
    const names = async (access: Access, v: Viewer) =>
      (await withAccess(database.db, access, tx => listViews(tx, v, 'deals'))).data.map(x => x.name)
    expect(await names(ownersOnly(other.userId), viewer(other, teamId))).toEqual(['Rep shared'])
    expect(await names(repViews, viewer(rep, teamId))).toEqual(['Rep private', 'Rep shared'])
    expect(await names(tenantWide(), viewer(admin, null, true))).toEqual(['Outsider shared', 'Rep shared'])
    expect(await names(ownersOnly(outsiderId), viewer({ userId: outsiderId }, null))).toEqual(['Outsider shared'])
  })

  it('lets only the owner change or delete a view (403 for a teammate, 404 for a view they cannot see)', async () => {
    const mine = await withAccess(database.db, ownersOnly(rep.userId), tx => createView(tx, viewer(rep, teamId), view('To edit', true)))
    const secret = await withAccess(database.db, ownersOnly(rep.userId), tx => createView(tx, viewer(rep, teamId), view('Secret', false)))
    await expect(
      withAccess(database.db, ownersOnly(other.userId), tx => updateView(tx, viewer(other, teamId), mine.id, { name: 'Taken' })),
    ).rejects.toMatchObject({ statusCode: 403 })
    await expect(
      withAccess(database.db, ownersOnly(other.userId), tx => deleteView(tx, viewer(other, teamId), secret.id)),
    ).rejects.toMatchObject({ statusCode: 404 })
    const renamed = await withAccess(database.db, ownersOnly(rep.userId), tx =>
      updateView(tx, viewer(rep, teamId), mine.id, { name: 'Edited', columns: ['name'] }),
    )
    expect(renamed).toMatchObject({ name: 'Edited', columns: ['name'], filters: { stage: 'proposal' } })
    await withAccess(database.db, ownersOnly(rep.userId), tx => deleteView(tx, viewer(rep, teamId), mine.id))
    const left = await inTenant(tx => tx.select({ id: savedViews.id }).from(savedViews).where(eq(savedViews.id, mine.id)))
    expect(left).toEqual([])
  })

  it('keeps another rep\'s private view out of reach at the database too (row-level security)', async () => {
    const secret = await withAccess(database.db, ownersOnly(rep.userId), tx =>
      createView(tx, viewer(rep, teamId), view('RLS private', false)),
    )
    const seen = await withAccess(database.db, ownersOnly(other.userId), tx =>
      tx.select({ id: savedViews.id }).from(savedViews).where(eq(savedViews.id, secret.id)),
    )
    expect(seen).toEqual([])
  })
})
