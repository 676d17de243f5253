import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { dealContacts, deals, pipelineStages } from '../../../db/schema'
import { sameJson } from '../../../shared/utils/collections'
import type { Tx } from '../core/db'
import { dealCreatedEvent, dealUpdatedEvent, stageChangedEvent, trackedChanges } from '../deals/events'
import { writeEvents } from '../events/write'
import { emptyResult, rowsWithOwners, type BatchResult, type Numbered } from './apply'
import type { DealRow } from './parse'
import { resolveAccounts, resolveContacts, type ImportRun } from './resolve'

/**
 * The deals of a CSV import, one batch at a time (see apply.ts): matched by external id, updated
 * where the row differs, created set-wise, each change written as the app's own deal events.
 */

/** What the deal's close date is once imported: the file's, else (closed deals) the day it was created. */
const closeDateOf = (row: DealRow) => row.closeDate ?? (row.stage.kind !== 'open' ? row.createdAt : null)

const dayStart = (day: string) => new Date(`${day}T00:00:00Z`)

export async function applyDeals(tx: Tx, run: ImportRun, batch: readonly Numbered<DealRow>[], now = new Date()): Promise<BatchResult> {
  const result = emptyResult()
  if (!batch.length) return result
  const { rows, ownerIds } = await rowsWithOwners(tx, run, batch)
  const accountIds = await resolveAccounts(tx, run, rows.map(r => r.accountName), ownerIds, now)
  const contactIds = await resolveContacts(
    tx,
    run,
    rows.map((r, i) => ({ email: r.contactEmail, accountId: accountIds[i]!, ownerId: ownerIds[i]! })),
    now,
  )
  const existing = await tx.select().from(deals)
    .where(and(eq(deals.tenantId, run.tenantId), inArray(deals.externalId, rows.map(r => r.externalId)))).orderBy(asc(deals.createdAt))
  const byExternal = new Map<string, typeof existing[number]>()
  for (const d of existing.toReversed()) byExternal.set(d.externalId!, d)

  const fresh: number[] = []
  for (const [i, row] of rows.entries()) {
    const deal = byExternal.get(row.externalId)
    if (!deal) {
      fresh.push(i)
      continue
    }
    const changed = await updateImportedDeal(tx, run, deal, row, { ownerId: ownerIds[i]!, accountId: accountIds[i]! }, now)
    if (changed) result.updated++
    else result.skipped++
    if (contactIds[i])
      await tx.insert(dealContacts).values({ tenantId: run.tenantId, dealId: deal.id, contactId: contactIds[i]! }).onConflictDoNothing()
  }

  let room = Number.POSITIVE_INFINITY
  if (run.openDealLimit !== null && fresh.some(i => rows[i]!.stage.kind === 'open')) {
    const [open] = await tx.select({ n: sql<number>`count(*)::int` }).from(deals)
      .innerJoin(pipelineStages, and(eq(pipelineStages.tenantId, deals.tenantId), eq(pipelineStages.key, deals.stage)))
      .where(and(eq(deals.tenantId, run.tenantId), eq(pipelineStages.kind, 'open')))
    room = run.openDealLimit - open!.n
  }
  const toCreate = fresh.filter((i) => {
    if (rows[i]!.stage.kind !== 'open') return true
    if (room-- > 0) return true
    result.errors.push({ row: batch[i]!.row, message: `the plan allows ${run.openDealLimit} open deals; upgrade to import more` })
    return false
  })
  if (toCreate.length) {
    const values = toCreate.map((i) => {
      const row = rows[i]!
      const createdAt = row.createdAt ? dayStart(row.createdAt) : now
      const closeDate = closeDateOf(row)
      const closedAt = row.stage.kind === 'open' ? null : closeDate ? dayStart(closeDate) : createdAt
      return {
        tenantId: run.tenantId,
        name: row.name,
        amount: String(row.amount),
        currency: row.currency,
        stage: row.stage.key,
        stageEnteredAt: row.stageEnteredAt ? dayStart(row.stageEnteredAt) : (closedAt ?? createdAt),
        closeDate,
        closedAt,
        ownerId: ownerIds[i]!,
        accountId: accountIds[i]!,
        source: row.source,
        externalId: row.externalId,
        product: row.product,
        custom: row.custom,
        createdAt,
        updatedAt: now,
      }
    })
    const created = await tx.insert(deals).values(values).returning()
    const links = created.flatMap((deal, k) =>
      contactIds[toCreate[k]!] ? [{ tenantId: run.tenantId, dealId: deal.id, contactId: contactIds[toCreate[k]!]! }] : [],
    )
    if (links.length) await tx.insert(dealContacts).values(links).onConflictDoNothing()
    const by = (deal: typeof created[number]) =>
      ({ at: deal.createdAt, source: 'import', actorUserId: run.userId, externalId: `deal:${deal.externalId}` })
    await writeEvents(tx, run.tenantId, created.map(deal => dealCreatedEvent(deal, by(deal), { imported: true })))
    result.created += created.length
  }
  return result
}

/**
 * Brings an imported deal in line with its row. A stage that differs is recorded as a
 * `stage_changed` event (reason `import`: the file is the system of record, so the pipeline's
 * allowed moves do not apply); tracked fields that differ as one `deal_updated` event.
 */
async function updateImportedDeal(
  tx: Tx,
  run: ImportRun,
  deal: typeof deals.$inferSelect,
  row: DealRow,
  refs: { ownerId: string, accountId: string | null },
  now: Date,
) {
  const next = {
    name: row.name,
    amount: Number(row.amount).toFixed(2),
    currency: row.currency,
    closeDate: closeDateOf(row),
    ownerId: refs.ownerId,
    accountId: refs.accountId,
    product: row.product,
    source: row.source,
    custom: { ...deal.custom, ...row.custom },
  }
  const differs = (Object.keys(next) as (keyof typeof next)[]).filter(k => !sameJson(deal[k], next[k]))
  const stageMoves = deal.stage !== row.stage.key
  if (!differs.length && !stageMoves) return false
  const closed = row.stage.kind !== 'open'
  await tx
    .update(deals)
    .set({
      ...next,
      updatedAt: now,
      ...(stageMoves
        ? { stage: row.stage.key, stageEnteredAt: now, closedAt: closed ? (next.closeDate ? dayStart(next.closeDate) : now) : null }
        : {}),
    })
    .where(and(eq(deals.tenantId, run.tenantId), eq(deals.id, deal.id)))
  const by = { at: now, source: 'import', actorUserId: run.userId }
  const changes = trackedChanges(deal, next, ['amount', 'closeDate', 'ownerId'])
  const updated = dealUpdatedEvent({ id: deal.id, accountId: refs.accountId }, changes, by)
  const events = [
    ...(stageMoves ? [stageChangedEvent(deal, { to: row.stage.key, reason: 'import', accountId: refs.accountId }, by)] : []),
    ...(updated ? [updated] : []),
  ]
  await writeEvents(tx, run.tenantId, events)
  return true
}
