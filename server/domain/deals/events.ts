import type { deals } from '../../../db/schema'
import { sameJson } from '../../../shared/utils/collections'
import type { EventRow } from '../events/write'

/**
 * The events a deal's own changes write, built one way for the app, the CSV import and the
 * Salesforce sync: `deal_created`, `stage_changed` (with the time spent in the stage left) and
 * `deal_updated` (the tracked fields' old and new values). Pure.
 */

type Deal = typeof deals.$inferSelect

/** Who and what wrote the change: its time, source, acting user and (for synced or imported rows) its external id. */
export interface Provenance {
  at: Date
  source: string
  actorUserId: string | null
  externalId?: string
}

/** Fields whose changes are recorded with old and new values (slips and cuts matter later). */
export const TRACKED_FIELDS = ['amount', 'closeDate', 'ownerId', 'probability', 'forecastCategory'] as const
export type TrackedField = (typeof TRACKED_FIELDS)[number]

const origin = (by: Provenance) => ({
  occurredAt: by.at,
  source: by.source,
  actorUserId: by.actorUserId,
  ...(by.externalId === undefined ? {} : { externalId: by.externalId }),
})

export function dealCreatedEvent(deal: Deal, by: Provenance, extra: Record<string, unknown> = {}): EventRow {
  return {
    type: 'deal_created',
    ...origin(by),
    dealId: deal.id,
    accountId: deal.accountId,
    metadata: {
      name: deal.name,
      amount: deal.amount,
      currency: deal.currency,
      stage: deal.stage,
      ownerId: deal.ownerId,
      closeDate: deal.closeDate,
      ...extra,
    },
  }
}

/** The move of a deal from its stage to `to` at `by.at`; `accountId` is the deal's account after the change. */
export function stageChangedEvent(
  deal: Pick<Deal, 'id' | 'stage' | 'stageEnteredAt'>,
  move: { to: string, reason: string | null, accountId: string | null },
  by: Provenance,
): EventRow {
  return {
    type: 'stage_changed',
    ...origin(by),
    dealId: deal.id,
    accountId: move.accountId,
    metadata: {
      from: deal.stage,
      to: move.to,
      reason: move.reason,
      by: by.actorUserId,
      secondsInStage: Math.max(0, Math.round((by.at.getTime() - deal.stageEnteredAt.getTime()) / 1000)),
    },
  }
}

/** The tracked fields (of `fields`) whose values differ between the deal and `next`, amounts compared as numbers. */
export function trackedChanges(
  deal: Pick<Deal, TrackedField>,
  next: Partial<Record<TrackedField, unknown>>,
  fields: readonly TrackedField[] = TRACKED_FIELDS,
): Record<string, { from: unknown, to: unknown }> {
  const changes: Record<string, { from: unknown, to: unknown }> = {}
  for (const field of fields) {
    if (!(field in next)) continue
    const from = field === 'amount' ? Number(deal.amount) : deal[field]
    const to = field === 'amount' ? Number(next.amount) : next[field]
    if (!sameJson(from, to)) changes[field] = { from, to }
  }
  return changes
}

/** One `deal_updated` event for the changes, or null when there are none. */
export function dealUpdatedEvent(
  deal: { id: string, accountId: string | null },
  changes: Record<string, { from: unknown, to: unknown }>,
  by: Provenance,
  extra: Record<string, unknown> = {},
): EventRow | null {
  if (!Object.keys(changes).length) return null
  return { type: 'deal_updated', ...origin(by), dealId: deal.id, accountId: deal.accountId, metadata: { changes, ...extra } }
}
