import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { ALERT_STATUSES, ScoreReason } from '../../../db/schema'
import { alerts, deals, dealScoreHistory, dealScores, pipelineStages, teams } from '../../../db/schema'
import type { Access, Tx } from '../db'
import { notFound } from '../errors'
import { focusPriority, nextAction } from './rules'

/** Reads of the precomputed momentum data; visibility comes from row-level security. */

export interface Caller { role: 'rep' | 'manager' | 'admin', userId: string, teamId: string | null, access: Access }

/**
 * Which rows of the pipeline summary a caller asks for: an owner, a team or the tenant. Reps see
 * their own; managers their team or one of its members; admins anything. Anything else is 404.
 */
export async function summaryGroup(tx: Tx, tenantId: string, caller: Caller, query: { ownerId?: string, teamId?: string }): Promise<string> {
  if (query.ownerId) {
    const visible = caller.access.scope === 'tenant' || caller.access.ownerIds.includes(query.ownerId)
    if (!visible) throw notFound('owner')
    return `owner:${query.ownerId}`
  }
  if (query.teamId) {
    if (caller.role === 'rep' || (caller.role === 'manager' && caller.teamId !== query.teamId)) throw notFound('team')
    const [team] = await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, tenantId), eq(teams.id, query.teamId)))
    if (!team) throw notFound('team')
    return `team:${team.id}`
  }
  if (caller.role === 'admin') return 'tenant'
  if (caller.role === 'manager' && caller.teamId) return `team:${caller.teamId}`
  return `owner:${caller.userId}`
}

/**
 * The caller's focus list: open deals ranked by what today's attention is worth (score change,
 * amount, time to close), each with why now and one next action. Reads scores, never events.
 */
export async function focusList(tx: Tx, tenantId: string, query: { limit: number, ownerId?: string }) {
  const rows = await tx.select({
    id: deals.id, name: deals.name, stage: deals.stage, stageName: pipelineStages.name, amount: deals.amount, currency: deals.currency,
    closeDate: deals.closeDate, ownerId: deals.ownerId, score: dealScores.score, state: dealScores.state, previousScore: dealScores.previousScore,
    reasons: dealScores.reasons, signals: dealScores.signals, computedAt: dealScores.computedAt,
    daysToClose: sql<number | null>`(${deals.closeDate} - current_date)`,
  }).from(dealScores)
    .innerJoin(deals, and(eq(deals.tenantId, dealScores.tenantId), eq(deals.id, dealScores.dealId)))
    .innerJoin(pipelineStages, and(eq(pipelineStages.tenantId, deals.tenantId), eq(pipelineStages.key, deals.stage), eq(pipelineStages.kind, 'open')))
    .where(and(eq(dealScores.tenantId, tenantId), query.ownerId ? eq(deals.ownerId, query.ownerId) : undefined))
  return rows.map((r) => {
    const change = r.previousScore === null ? 0 : r.score - r.previousScore
    const reasons = r.reasons.slice(0, 3)
    return {
      deal: { id: r.id, name: r.name, stage: r.stage, stageName: r.stageName, amount: r.amount, currency: r.currency, closeDate: r.closeDate, ownerId: r.ownerId },
      score: r.score,
      state: r.state,
      change,
      reasons,
      whyNow: reasons[0]?.text ?? 'steady, nothing stands out',
      nextAction: nextAction({ stageName: r.stageName, daysSinceTwoWay: (r.signals.daysSinceTwoWay as number | null) ?? null }, r.reasons),
      priority: focusPriority({ score: r.score, change, amount: Number(r.amount), daysToClose: r.daysToClose === null ? null : Number(r.daysToClose) }),
      computedAt: r.computedAt,
    }
  }).sort((a, b) => b.priority - a.priority || a.deal.id.localeCompare(b.deal.id)).slice(0, query.limit)
}

export type AlertStatusFilter = (typeof ALERT_STATUSES)[number] | 'all'

/** Alerts on the deals the caller sees, newest first. */
export async function listAlerts(tx: Tx, tenantId: string, query: { state: AlertStatusFilter, limit: number, dealId?: string }) {
  return tx.select({
    id: alerts.id, kind: alerts.kind, message: alerts.message, status: alerts.status, createdAt: alerts.createdAt, closedAt: alerts.closedAt,
    deal: { id: deals.id, name: deals.name, stage: deals.stage, amount: deals.amount, ownerId: deals.ownerId },
  }).from(alerts)
    .innerJoin(deals, and(eq(deals.tenantId, alerts.tenantId), eq(deals.id, alerts.dealId)))
    .where(and(eq(alerts.tenantId, tenantId), query.state === 'all' ? undefined : eq(alerts.status, query.state), query.dealId ? eq(alerts.dealId, query.dealId) : undefined))
    .orderBy(desc(alerts.createdAt), asc(alerts.id)).limit(query.limit)
}

/** Dismisses an open alert (dismissing one already closed changes nothing); 404 if the caller cannot see it. */
export async function dismissAlert(tx: Tx, tenantId: string, userId: string, id: string, now = new Date()) {
  const [alert] = await tx.select({ id: alerts.id, status: alerts.status }).from(alerts).where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id)))
  if (!alert) throw notFound('alert')
  if (alert.status !== 'open') return { id, status: alert.status }
  const [updated] = await tx.update(alerts).set({ status: 'dismissed', closedAt: now, dismissedById: userId })
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id))).returning({ id: alerts.id, status: alerts.status, closedAt: alerts.closedAt })
  return updated!
}

/** A deal's momentum: the current score with its reasons and signals, and the daily trend line. */
export async function dealMomentum(tx: Tx, tenantId: string, dealId: string, days = 90) {
  const [deal] = await tx.select({ id: deals.id }).from(deals).where(and(eq(deals.tenantId, tenantId), eq(deals.id, dealId)))
  if (!deal) throw notFound('deal')
  const [current] = await tx.select().from(dealScores).where(and(eq(dealScores.tenantId, tenantId), eq(dealScores.dealId, dealId)))
  const history = await tx.select({ day: dealScoreHistory.day, score: dealScoreHistory.score, state: dealScoreHistory.state }).from(dealScoreHistory)
    .where(and(eq(dealScoreHistory.tenantId, tenantId), eq(dealScoreHistory.dealId, dealId), sql`${dealScoreHistory.day} > current_date - ${days}::int`))
    .orderBy(asc(dealScoreHistory.day))
  const open = await listAlerts(tx, tenantId, { state: 'open', limit: 20, dealId })
  return {
    dealId,
    score: current?.score ?? null,
    state: current?.state ?? null,
    change: current && current.previousScore !== null ? current.score - current.previousScore : 0,
    stateSince: current?.stateSince ?? null,
    reasons: (current?.reasons ?? []) as ScoreReason[],
    signals: current?.signals ?? null,
    computedAt: current?.computedAt ?? null,
    history,
    alerts: open,
  }
}

/** Scores of some deals (the pipeline board's cards). */
export function scoresOf(tx: Tx, tenantId: string, dealIds: readonly string[]) {
  if (!dealIds.length) return Promise.resolve([])
  return tx.select({ dealId: dealScores.dealId, score: dealScores.score, state: dealScores.state, previousScore: dealScores.previousScore })
    .from(dealScores).where(and(eq(dealScores.tenantId, tenantId), inArray(dealScores.dealId, [...dealIds])))
}
