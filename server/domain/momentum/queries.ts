import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { ALERT_STATUSES, ScoreReason } from '../../../db/schema'
import { alerts, deals, dealScoreHistory, dealScores, pipelineStages, teams } from '../../../db/schema'
import { queryRows } from '../../../db/client'
import { andWhere, ownerIn, type Access, type Tx } from '../core/db'
import { notFound } from '../core/errors'
import { publish } from '../events/bus'
import { ledTeam, seesOwner, seesTeam } from '../tenancy/access'
import { focusPriority, nextAction } from './rules'

/** Reads of the precomputed momentum data; visibility comes from row-level security. */

export interface Caller { role: 'rep' | 'manager' | 'admin', userId: string, teamId: string | null, access: Access }

/**
 * Which rows of the pipeline summary a caller asks for: an owner, a team or the tenant. Reps see
 * their own; managers the teams they lead or one of their members; admins anything. Anything else is 404.
 */
export async function summaryGroup(
  tx: Tx,
  tenantId: string,
  caller: Caller,
  query: { ownerId?: string, teamId?: string },
): Promise<string> {
  if (query.ownerId) {
    if (!seesOwner(caller.access, query.ownerId)) throw notFound('owner')
    return `owner:${query.ownerId}`
  }
  if (query.teamId) {
    if (!seesTeam(caller.access, query.teamId)) throw notFound('team')
    const [team] = await tx
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.tenantId, tenantId), eq(teams.id, query.teamId)))
    if (!team) throw notFound('team')
    return `team:${team.id}`
  }
  if (caller.access.scope === 'tenant') return 'tenant'
  const team = ledTeam(caller.access)
  return team ? `team:${team}` : `owner:${caller.userId}`
}

/** Candidates the focus list reads per place it answers: SQL ranks roughly, the rules rank exactly. */
const FOCUS_CANDIDATES = 4

/**
 * The caller's focus list: open deals ranked by what today's attention is worth (score change,
 * amount, time to close), each with why now and one next action. Reads scores, never events.
 * SQL ranks by focusPriority's formula and reads a few times `limit` rows (so that rounding never
 * changes which deals make it), however large the pipeline; the rules then rank those exactly.
 * `owners` (the caller's, see ownersOf) lets the planner start from their deals.
 */
export async function focusList(tx: Tx, tenantId: string, query: { limit: number, ownerId?: string, owners?: readonly string[] | null }) {
  const picked = await queryRows<{ id: string }>(
    tx,
    sql`
    select d.id from deals d
    join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage and s.kind = 'open'
    cross join lateral (select sc.score, sc.previous_score from deal_scores sc
                        where sc.tenant_id = d.tenant_id and sc.deal_id = d.id offset 0) sc
    cross join lateral (select (case when sc.previous_score is null then 0 else sc.score - sc.previous_score end)::float8 as change,
                               (d.close_date - current_date) as days) x
    where d.tenant_id = ${tenantId}::uuid ${query.ownerId ? sql`and d.owner_id = ${query.ownerId}::uuid` : sql``}
      ${andWhere(ownerIn(sql`d.owner_id`, query.owners))}
    order by ((100 - sc.score) / 100.0::float8 + greatest(0, -x.change) / 20.0::float8 + greatest(0, x.change) / 40.0::float8)
             * log(greatest(d.amount::float8, 0) + 10)
             * (case when x.days is null then 0.6 when x.days < 0 then 1.5 else 1.0 / greatest(1, x.days / 14.0::float8) end) desc, d.id
    limit ${query.limit * FOCUS_CANDIDATES + 20}`,
  )
  if (!picked.length) return []
  const rows = await tx
    .select({
      id: deals.id,
      name: deals.name,
      stage: deals.stage,
      stageName: pipelineStages.name,
      amount: deals.amount,
      currency: deals.currency,
      closeDate: deals.closeDate,
      ownerId: deals.ownerId,
      score: dealScores.score,
      winProbability: dealScores.winProbability,
      state: dealScores.state,
      previousScore: dealScores.previousScore,
      reasons: dealScores.reasons,
      signals: dealScores.signals,
      computedAt: dealScores.computedAt,
      daysToClose: sql<number | null>`(${deals.closeDate} - current_date)`,
    })
    .from(dealScores)
    .innerJoin(deals, and(eq(deals.tenantId, dealScores.tenantId), eq(deals.id, dealScores.dealId)))
    .innerJoin(pipelineStages, and(eq(pipelineStages.tenantId, deals.tenantId), eq(pipelineStages.key, deals.stage)))
    .where(and(eq(dealScores.tenantId, tenantId), inArray(dealScores.dealId, picked.map(p => p.id))))
  return rows.map((r) => {
    const change = r.previousScore === null ? 0 : r.score - r.previousScore
    const reasons = r.reasons.slice(0, 3)
    return {
      deal: {
        id: r.id,
        name: r.name,
        stage: r.stage,
        stageName: r.stageName,
        amount: r.amount,
        currency: r.currency,
        closeDate: r.closeDate,
        ownerId: r.ownerId,
      },
      score: r.score,
      winProbability: r.winProbability,
      state: r.state,
      change,
      reasons,
      whyNow: reasons[0]?.text ?? 'steady, nothing stands out',
      nextAction: nextAction({ stageName: r.stageName, daysSinceTwoWay: (r.signals.daysSinceTwoWay as number | null) ?? null }, r.reasons),
      priority: focusPriority({
        score: r.score,
        change,
        amount: Number(r.amount),
        daysToClose: r.daysToClose === null ? null : Number(r.daysToClose),
      }),
      computedAt: r.computedAt,
    }
  }).sort((a, b) => b.priority - a.priority || a.deal.id.localeCompare(b.deal.id)).slice(0, query.limit)
}

export type AlertStatusFilter = (typeof ALERT_STATUSES)[number] | 'all'

/**
 * Alerts on the deals the caller sees (of `owners` only, when given: see ownersOf), newest first.
 * The page of alerts is picked first — from the alerts alone for the whole tenant, from the owners'
 * deals otherwise (no other owner's alert is read) — and only those rows are joined to their deals.
 */
export async function listAlerts(
  tx: Tx,
  tenantId: string,
  query: { state: AlertStatusFilter, limit: number, dealId?: string, owners?: readonly string[] | null },
) {
  const status = query.state === 'all' ? sql`` : sql`and a.status = ${query.state}`
  const picked = await queryRows<{ id: string }>(
    tx,
    query.owners
      ? sql`
        select a.id from deals d
        cross join lateral (select a.id, a.created_at from alerts a
                            where a.tenant_id = d.tenant_id and a.deal_id = d.id ${status} offset 0) a
        where d.tenant_id = ${tenantId}::uuid and ${ownerIn(sql`d.owner_id`, query.owners)}
          ${query.dealId ? sql`and d.id = ${query.dealId}::uuid` : sql``}
        order by a.created_at desc, a.id limit ${query.limit}`
      : sql`
        select a.id from alerts a
        where a.tenant_id = ${tenantId}::uuid ${status} ${query.dealId ? sql`and a.deal_id = ${query.dealId}::uuid` : sql``}
        order by a.created_at desc, a.id limit ${query.limit}`,
  )
  if (!picked.length) return []
  return tx
    .select({
      id: alerts.id,
      kind: alerts.kind,
      message: alerts.message,
      status: alerts.status,
      createdAt: alerts.createdAt,
      closedAt: alerts.closedAt,
      deal: { id: deals.id, name: deals.name, stage: deals.stage, amount: deals.amount, ownerId: deals.ownerId },
    })
    .from(alerts)
    .innerJoin(deals, and(eq(deals.tenantId, alerts.tenantId), eq(deals.id, alerts.dealId)))
    .where(and(eq(alerts.tenantId, tenantId), inArray(alerts.id, picked.map(p => p.id))))
    .orderBy(desc(alerts.createdAt), asc(alerts.id))
}

/** Dismisses an open alert (dismissing one already closed changes nothing); 404 if the caller cannot see it. */
export async function dismissAlert(tx: Tx, tenantId: string, userId: string, id: string, now = new Date()) {
  const [alert] = await tx
    .select({ id: alerts.id, status: alerts.status })
    .from(alerts)
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id)))
  if (!alert) throw notFound('alert')
  if (alert.status !== 'open') return { id, status: alert.status }
  const [updated] = await tx
    .update(alerts)
    .set({ status: 'dismissed', closedAt: now, dismissedById: userId })
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id)))
    .returning({ id: alerts.id, status: alerts.status, closedAt: alerts.closedAt, dealId: alerts.dealId })
  await publish(tx, [{ tenantId, topic: 'alert.closed', data: { alerts: [{ id, dealId: updated!.dealId }] } }])
  const { dealId: _dealId, ...answer } = updated!
  return answer
}

/** A deal's momentum: the current score with its reasons and signals, and the daily trend line. */
export async function dealMomentum(tx: Tx, tenantId: string, dealId: string, days = 90) {
  const [deal] = await tx.select({ id: deals.id }).from(deals).where(and(eq(deals.tenantId, tenantId), eq(deals.id, dealId)))
  if (!deal) throw notFound('deal')
  const [current] = await tx.select().from(dealScores).where(and(eq(dealScores.tenantId, tenantId), eq(dealScores.dealId, dealId)))
  const history = await tx
    .select({ day: dealScoreHistory.day, score: dealScoreHistory.score, state: dealScoreHistory.state })
    .from(dealScoreHistory)
    .where(
      and(
        eq(dealScoreHistory.tenantId, tenantId),
        eq(dealScoreHistory.dealId, dealId),
        sql`${dealScoreHistory.day} > current_date - ${days}::int`,
      ),
    )
    .orderBy(asc(dealScoreHistory.day))
  const open = await listAlerts(tx, tenantId, { state: 'open', limit: 20, dealId })
  return {
    dealId,
    score: current?.score ?? null,
    /** The chance of winning, 0..1 (the score is this in points of 100). */
    winProbability: current?.winProbability ?? null,
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
  return tx
    .select({
      dealId: dealScores.dealId,
      score: dealScores.score,
      winProbability: dealScores.winProbability,
      state: dealScores.state,
      previousScore: dealScores.previousScore,
    })
    .from(dealScores)
    .where(and(eq(dealScores.tenantId, tenantId), inArray(dealScores.dealId, [...dealIds])))
}
