import { and, eq, inArray } from 'drizzle-orm'
import { accounts, deals } from '../../../../db/schema'
import type { Tx } from '../../core/db'
import { dealCreatedEvent, dealUpdatedEvent, stageChangedEvent, trackedChanges } from '../../deals/events'
import { writeEvents, type EventRow } from '../../events/write'
import { mapOpportunity, type DealFields, type SfRecord } from './map'
import { distinct, sameJson } from '../../../../shared/utils/collections'
import { emptyResult, idsByExternal, ownerOf, resolveOwners, splitDeleted, type ApplyContext, type PageResult } from './refs'

const dayStart = (day: string) => new Date(`${day}T00:00:00Z`)
type Deal = typeof deals.$inferSelect

/**
 * Opportunities -> deals. Salesforce is the system of record for these deals, so a changed
 * StageName moves the deal whatever the pipeline's allowed moves (as a CSV import does), and
 * writes the same `stage_changed` event the app writes on a move — at the time Salesforce
 * changed the stage — and tracked fields that differ one `deal_updated` event, all with source
 * `salesforce` and keys that make a page read twice write nothing new. A deleted opportunity
 * deletes the deal (its scores, alerts and committee go with it; its events stay in the log).
 */
export async function applyOpportunities(tx: Tx, ctx: ApplyContext, records: readonly SfRecord[]): Promise<PageResult> {
  const result = emptyResult()
  const { live, deletedIds } = splitDeleted(records)
  const rows = live.map(r =>
    mapOpportunity(
      r,
      ctx.stageMap,
      ctx.stages.map(s => ({ key: s.key, kind: s.kind, probability: s.probability })),
    ),
  )
  const owners = await resolveOwners(tx, ctx, rows.map(r => r.ownerSfId))
  const accountIds = await idsByExternal(tx, ctx.tenantId, accounts, rows.map(r => r.accountSfId))
  const ids = await idsByExternal(tx, ctx.tenantId, deals, records.map(r => r.Id))
  const existing = ids.size
    ? await tx
        .select()
        .from(deals)
        .where(and(eq(deals.tenantId, ctx.tenantId), inArray(deals.id, [...ids.values()])))
    : []
  const byId = new Map(existing.map(d => [d.id, d]))
  const refsOf = (row: DealFields) => ({
    ownerId: ownerOf(owners, ctx, row.ownerSfId),
    accountId: row.accountSfId ? (accountIds.get(row.accountSfId) ?? null) : null,
  })

  const fresh: DealFields[] = []
  const events: EventRow[] = []
  for (const row of rows) {
    const current = byId.get(ids.get(row.externalId) ?? '')
    if (!current) fresh.push(row)
    else if (await updateDeal(tx, ctx, current, row, refsOf(row), events)) result.updated++
    else result.skipped++
  }
  if (fresh.length) {
    const kindOf = new Map(ctx.stages.map(s => [s.key, s.kind]))
    const created = await tx.insert(deals).values(fresh.map((row) => {
      const createdAt = row.createdAt ?? ctx.now
      const closed = kindOf.get(row.stage) !== 'open'
      const closedAt = closed ? (row.closeDate ? dayStart(row.closeDate) : row.stageChangedAt ?? createdAt) : null
      return {
        tenantId: ctx.tenantId, name: row.name, amount: row.amount, stage: row.stage, stageEnteredAt: row.stageChangedAt ?? createdAt,
        closeDate: row.closeDate, closedAt, probability: row.probability, forecastCategory: row.forecastCategory, product: row.product,
        ...refsOf(row), source: 'salesforce', externalId: row.externalId, createdAt, updatedAt: ctx.now,
      }
    })).returning()
    for (const deal of created) {
      const externalId = `Opportunity:${deal.externalId}:created`
      const by = { at: deal.createdAt, source: 'salesforce', actorUserId: deal.ownerId, externalId }
      events.push(dealCreatedEvent(deal, by, { salesforceId: deal.externalId }))
    }
    result.created += created.length
  }
  await writeEvents(tx, ctx.tenantId, events)
  const gone = distinct(deletedIds.map(id => ids.get(id)))
  if (gone.length) await tx.delete(deals).where(and(eq(deals.tenantId, ctx.tenantId), inArray(deals.id, gone)))
  result.deleted += gone.length
  result.skipped += deletedIds.length - gone.length
  return result
}

/** Brings one deal in line with its opportunity; queues its events. False when nothing differs. */
async function updateDeal(
  tx: Tx,
  ctx: ApplyContext,
  deal: Deal,
  row: DealFields,
  refs: { ownerId: string, accountId: string | null },
  events: EventRow[],
) {
  const next = {
    name: row.name,
    amount: row.amount,
    closeDate: row.closeDate,
    probability: row.probability,
    forecastCategory: row.forecastCategory,
    product: row.product,
    ownerId: refs.ownerId,
    accountId: refs.accountId,
  }
  const differs = (Object.keys(next) as (keyof typeof next)[]).filter(
    k => !sameJson(k === 'amount' ? Number(deal.amount).toFixed(2) : deal[k], next[k]),
  )
  const moves = deal.stage !== row.stage
  if (!differs.length && !moves) return false
  const stamp = row.modifiedAt.toISOString()
  const movedAt = row.stageChangedAt ?? row.modifiedAt
  const closed = ctx.stages.find(s => s.key === row.stage)?.kind !== 'open'
  await tx
    .update(deals)
    .set({
      ...next,
      updatedAt: ctx.now,
      ...(moves
        ? { stage: row.stage, stageEnteredAt: movedAt, closedAt: closed ? (row.closeDate ? dayStart(row.closeDate) : movedAt) : null }
        : {}),
    })
    .where(and(eq(deals.tenantId, ctx.tenantId), eq(deals.id, deal.id)))
  if (moves) {
    const by = { at: movedAt, source: 'salesforce', actorUserId: null, externalId: `Opportunity:${row.externalId}:stage:${stamp}` }
    events.push(stageChangedEvent(deal, { to: row.stage, reason: 'salesforce', accountId: refs.accountId }, by))
  }
  const by = { at: row.modifiedAt, source: 'salesforce', actorUserId: null, externalId: `Opportunity:${row.externalId}:update:${stamp}` }
  const updated = dealUpdatedEvent({ id: deal.id, accountId: refs.accountId }, trackedChanges(deal, next), by)
  if (updated) events.push(updated)
  return true
}
