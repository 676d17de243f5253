import { and, asc, eq, inArray } from 'drizzle-orm'
import { accounts, contacts, dealContacts, deals, pipelineStages, users, type ForecastCategory } from '../../../db/schema'
import type { Tx } from '../db'
import { badRequest, conflict, notFound } from '../errors'
import { publish } from '../events/bus'
import { writeEvents } from '../events/write'
import { checkCustom, type CustomValues } from '../records/customFields'
import { checkTransition, type StageDefinition } from './stages'

/** Who does something, and when (a seed or an import may act in the past). */
export interface Actor {
  tenantId: string
  userId: string | null
  now?: Date
  /** Set when an automation rule makes the change: the rule, and how many rules led to it. */
  automation?: { ruleId: string, depth: number }
}

const when = (actor: Actor) => actor.now ?? new Date()
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

export async function createAccount(tx: Tx, actor: Actor, input: { name: string, domain?: string | null, industry?: string | null, ownerId?: string | null, custom?: CustomValues }) {
  const now = when(actor)
  await checkReferences(tx, actor.tenantId, { ownerId: input.ownerId })
  const custom = await checkCustom(tx, actor.tenantId, 'account', {}, input.custom)
  const [account] = await tx.insert(accounts).values({
    tenantId: actor.tenantId, ...input, custom, ownerId: input.ownerId ?? actor.userId, createdAt: now, updatedAt: now,
  }).returning()
  return account!
}

export interface NewContact {
  firstName: string
  lastName?: string
  email?: string | null
  phone?: string | null
  title?: string | null
  accountId?: string | null
  ownerId?: string | null
  custom?: CustomValues
}

export async function createContact(tx: Tx, actor: Actor, input: NewContact) {
  const now = when(actor)
  await checkReferences(tx, actor.tenantId, { accountId: input.accountId, ownerId: input.ownerId })
  const custom = await checkCustom(tx, actor.tenantId, 'contact', {}, input.custom)
  const [contact] = await tx.insert(contacts).values({
    tenantId: actor.tenantId, ...input, custom, email: input.email?.toLowerCase() ?? null, ownerId: input.ownerId ?? actor.userId, createdAt: now, updatedAt: now,
  }).returning()
  return contact!
}

/** 400 naming the field when a deal refers to an account, owner or contact the tenant does not have. */
export async function checkReferences(tx: Tx, tenantId: string, refs: { accountId?: string | null, ownerId?: string | null, contactIds?: readonly string[] }) {
  if (refs.accountId) {
    const [found] = await tx.select({ id: accounts.id }).from(accounts).where(and(eq(accounts.tenantId, tenantId), eq(accounts.id, refs.accountId)))
    if (!found) throw badRequest('accountId', 'no such account')
  }
  if (refs.ownerId) {
    const [owner] = await tx.select({ active: users.active }).from(users).where(and(eq(users.tenantId, tenantId), eq(users.id, refs.ownerId)))
    if (!owner?.active) throw badRequest('ownerId', 'no such active user')
  }
  if (refs.contactIds?.length) {
    const found = await tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.tenantId, tenantId), inArray(contacts.id, [...refs.contactIds])))
    const missing = refs.contactIds.findIndex(id => !found.some(c => c.id === id))
    if (missing >= 0) throw badRequest(`contactIds.${missing}`, 'no such contact')
  }
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
  custom?: CustomValues
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
    custom,
    createdAt: now,
    updatedAt: now,
  }).returning()
  if (input.contactIds?.length) {
    await tx.insert(dealContacts).values(input.contactIds.map(contactId => ({ tenantId: actor.tenantId, dealId: deal!.id, contactId, createdAt: now })))
  }
  await writeEvents(tx, actor.tenantId, [{
    type: 'deal_created', occurredAt: now, source: 'direct', actorUserId: actor.userId,
    dealId: deal!.id, accountId: deal!.accountId,
    metadata: { name: deal!.name, amount: deal!.amount, currency: deal!.currency, stage: deal!.stage, ownerId, closeDate: deal!.closeDate },
  }])
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
  const check = checkTransition(await loadStages(tx, actor.tenantId), deal.stage, input.to)
  if (!check.ok && check.reason === 'unknown_stage') throw badRequest('to', `no stage ${input.to} in this pipeline`)
  if (!check.ok) {
    throw conflict(`cannot move a deal from ${deal.stage} to ${input.to}`, { error: 'invalid_transition', from: deal.stage, to: input.to, allowed: check.allowed })
  }
  const closed = check.to.kind !== 'open'
  const [updated] = await tx.update(deals).set({
    stage: check.to.key,
    stageEnteredAt: now,
    closedAt: closed ? now : null,
    closeDate: closed ? (input.closeDate ?? isoDay(now)) : deal.closeDate,
    updatedAt: now,
  }).where(and(eq(deals.tenantId, actor.tenantId), eq(deals.id, dealId))).returning()
  await writeEvents(tx, actor.tenantId, [{
    type: 'stage_changed', occurredAt: now, source: 'direct', actorUserId: actor.userId, dealId, accountId: deal.accountId,
    metadata: {
      from: deal.stage, to: check.to.key, reason: input.reason ?? null, by: actor.userId,
      secondsInStage: Math.max(0, Math.round((now.getTime() - deal.stageEnteredAt.getTime()) / 1000)),
    },
  }])
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
}

/** Fields whose changes are recorded with old and new values (slips and cuts matter later). */
const TRACKED = ['amount', 'closeDate', 'ownerId', 'probability', 'forecastCategory'] as const

/** Updates any field but the stage; tracked changes write one `deal_updated` event. */
export async function updateDeal(tx: Tx, actor: Actor, dealId: string, patch: DealPatch) {
  const now = when(actor)
  const deal = await lockDeal(tx, actor.tenantId, dealId)
  await checkReferences(tx, actor.tenantId, { accountId: patch.accountId, ownerId: patch.ownerId })
  const custom = patch.custom === undefined ? undefined : await checkCustom(tx, actor.tenantId, 'deal', deal.custom, patch.custom)
  const values = { ...patch, custom, amount: patch.amount === undefined ? undefined : String(patch.amount) }
  const [updated] = await tx.update(deals).set({ ...values, updatedAt: now })
    .where(and(eq(deals.tenantId, actor.tenantId), eq(deals.id, dealId))).returning()
  const changes: Record<string, { from: unknown, to: unknown }> = {}
  for (const field of TRACKED) {
    const before = field === 'amount' ? Number(deal.amount) : deal[field]
    const after = field === 'amount' ? Number(updated!.amount) : updated![field]
    if (before !== after) changes[field] = { from: before, to: after }
  }
  if (Object.keys(changes).length) {
    await writeEvents(tx, actor.tenantId, [{
      type: 'deal_updated', occurredAt: now, source: 'direct', actorUserId: actor.userId, dealId, accountId: deal.accountId, metadata: { changes, ...(actor.automation ? { automation: actor.automation } : {}) },
    }])
  }
  // An untracked change (name, account, tags, custom fields) writes no event, but screens show it.
  else await publish(tx, [{ tenantId: actor.tenantId, topic: 'deal.updated', data: { dealIds: [dealId] } }])
  return updated!
}
