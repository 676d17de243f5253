import { and, asc, eq } from 'drizzle-orm'
import { dealContacts, deals, pipelineStages, type ForecastCategory } from '../../../db/schema'
import { actedAt as when, type Actor } from '../core/actor'
import type { Tx } from '../core/db'
import { checkReferences } from '../records/references'
import { badRequest, conflict, notFound } from '../core/errors'
import { publish } from '../events/bus'
import { writeEvents } from '../events/write'
import { checkCustom, type CustomValues } from '../records/customFields'
import { dealCreatedEvent, dealUpdatedEvent, stageChangedEvent, trackedChanges } from './events'
import { checkTransition, type StageDefinition } from './stages'

export type { Actor } from '../core/actor'
const isoDay = (d: Date) => d.toISOString().slice(0, 10)

export async function loadStages(tx: Tx, tenantId: string): Promise<StageDefinition[]> {
  return tx.select({
    key: pipelineStages.key,
    name: pipelineStages.name,
    position: pipelineStages.position,
    probability: pipelineStages.probability,
    forecastCategory: pipelineStages.forecastCategory,
    kind: pipelineStages.kind,
    allowedNext: pipelineStages.allowedNext,
  }).from(pipelineStages).where(eq(pipelineStages.tenantId, tenantId)).orderBy(asc(pipelineStages.position))
}

export interface NewDeal {
  name: string
  amount: string | number
  currency?: string
  closeDate?: string | null
  accountId?: string | null
  ownerId?: string | null
  stage?: string
  contactIds?: string[]
  source?: string
  product?: string | null
  probability?: number | null
  forecastCategory?: ForecastCategory | null
  custom?: CustomValues
  /** Already checked and deduplicated (TagsSchema). */
  tags?: string[]
}

/** Creates a deal and its `deal_created` event in the caller's transaction. */
export async function createDeal(tx: Tx, actor: Actor, input: NewDeal) {
  const now = when(actor)
  const stages = await loadStages(tx, actor.tenantId)
  const stage = stages.find(s => s.key === (input.stage ?? stages[0]?.key))
  if (!stage) throw badRequest('stage', `unknown stage; one of ${stages.map(s => s.key).join(', ')}`)
  const ownerId = input.ownerId ?? actor.userId
  if (!ownerId) throw badRequest('ownerId', 'a deal needs an owner')
  await checkReferences(tx, actor.tenantId, { accountId: input.accountId, ownerId: input.ownerId, contactIds: input.contactIds })
  const custom = await checkCustom(tx, actor.tenantId, 'deal', {}, input.custom)
  const closed = stage.kind !== 'open'
  const [deal] = await tx.insert(deals).values({
    tenantId: actor.tenantId,
    name: input.name,
    amount: String(input.amount),
    currency: input.currency ?? 'USD',
    closeDate: input.closeDate ?? (closed ? isoDay(now) : null),
    accountId: input.accountId ?? null,
    ownerId,
    stage: stage.key,
    stageEnteredAt: now,
    closedAt: closed ? now : null,
    source: input.source ?? 'direct',
    product: input.product ?? null,
    probability: input.probability ?? null,
    forecastCategory: input.forecastCategory ?? null,
    custom,
    tags: input.tags ?? [],
    createdAt: now,
    updatedAt: now,
  }).returning()
  if (input.contactIds?.length) {
    await tx
      .insert(dealContacts)
      .values(input.contactIds.map(contactId => ({ tenantId: actor.tenantId, dealId: deal!.id, contactId, createdAt: now })))
  }
  await writeEvents(tx, actor.tenantId, [dealCreatedEvent(deal!, { at: now, source: 'direct', actorUserId: actor.userId })])
  return deal!
}

async function lockDeal(tx: Tx, tenantId: string, dealId: string) {
  const [deal] = await tx.select().from(deals)
    .where(and(eq(deals.tenantId, tenantId), eq(deals.id, dealId))).for('update')
  if (!deal) throw notFound('deal')
  return deal
}

/**
 * The only way a deal changes stage: the move is checked against the tenant's allowed
 * transitions (409 with the allowed moves otherwise), then the deal and its `stage_changed`
 * event are written in the caller's transaction.
 */
export async function changeDealStage(tx: Tx, actor: Actor, dealId: string, input: { to: string, reason?: string, closeDate?: string }) {
  const now = when(actor)
  const deal = await lockDeal(tx, actor.tenantId, dealId)
  const stages = await loadStages(tx, actor.tenantId)
  const check = checkTransition(stages, deal.stage, input.to)
  if (!check.ok && check.reason === 'unknown_stage') throw badRequest('to', `no stage ${input.to} in this pipeline`)
  if (!check.ok) {
    const name = (key: string) => stages.find(s => s.key === key)?.name ?? key
    throw conflict(`cannot move a deal from ${name(deal.stage)} to ${name(input.to)}`, {
      error: 'invalid_transition',
      from: deal.stage,
      to: input.to,
      allowed: check.allowed,
    })
  }
  const closed = check.to.kind !== 'open'
  const [updated] = await tx.update(deals).set({
    stage: check.to.key,
    stageEnteredAt: now,
    closedAt: closed ? now : null,
    closeDate: closed ? (input.closeDate ?? isoDay(now)) : deal.closeDate,
    updatedAt: now,
  }).where(and(eq(deals.tenantId, actor.tenantId), eq(deals.id, dealId))).returning()
  const move = { to: check.to.key, reason: input.reason ?? null, accountId: deal.accountId }
  await writeEvents(tx, actor.tenantId, [stageChangedEvent(deal, move, { at: now, source: 'direct', actorUserId: actor.userId })])
  return updated!
}

export interface DealPatch {
  name?: string
  amount?: string | number
  currency?: string
  closeDate?: string | null
  ownerId?: string
  accountId?: string | null
  probability?: number | null
  forecastCategory?: ForecastCategory | null
  product?: string | null
  custom?: CustomValues
  tags?: string[]
}

/** Updates any field but the stage; tracked changes write one `deal_updated` event. */
export async function updateDeal(tx: Tx, actor: Actor, dealId: string, patch: DealPatch) {
  const now = when(actor)
  const deal = await lockDeal(tx, actor.tenantId, dealId)
  await checkReferences(tx, actor.tenantId, { accountId: patch.accountId, ownerId: patch.ownerId })
  const custom = patch.custom === undefined ? undefined : await checkCustom(tx, actor.tenantId, 'deal', deal.custom, patch.custom)
  const values = { ...patch, custom, amount: patch.amount === undefined ? undefined : String(patch.amount) }
  const [updated] = await tx.update(deals).set({ ...values, updatedAt: now })
    .where(and(eq(deals.tenantId, actor.tenantId), eq(deals.id, dealId))).returning()
  const by = { at: now, source: 'direct', actorUserId: actor.userId }
  const updatedEvent = dealUpdatedEvent(deal, trackedChanges(deal, updated!), by, actor.automation ? { automation: actor.automation } : {})
  if (updatedEvent) await writeEvents(tx, actor.tenantId, [updatedEvent])
  // An untracked change (name, account, tags, custom fields) writes no event, but screens show it.
  else await publish(tx, [{ tenantId: actor.tenantId, topic: 'deal.updated', data: { dealIds: [dealId] } }])
  return updated!
}
