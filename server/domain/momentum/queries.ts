import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { ALERT_STATUSES, ScoreReason } from '../../../db/schema'
import { alerts, deals, dealScoreHistory, dealScores, pipelineStages, teams } from '../../../db/schema'
import { queryRows } from '../../../db/client'
import { andWhere, ownerIn, type Access, type Tx } from '../core/db'
import { badRequest, conflict, notFound } from '../core/errors'
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

/** Which alerts a list shows: open ones (not snoozed), snoozed ones (open, snoozed until later), dismissed, resolved, or all. */
export type AlertStatusFilter = (typeof ALERT_STATUSES)[number] | 'snoozed' | 'all'

export interface AlertQuery {
  state: AlertStatusFilter
  dealId?: string
  /** The owners whose deals' alerts are read (see ownersOf); null or absent: the whole tenant as the transaction sees it. */
  owners?: readonly string[] | null
  /** The time snoozes are read at (the default: now). */
  now?: Date
}

/** The status condition on `alerts a` of a list: an open alert snoozed past `now` is not open but snoozed. */
function alertStatusWhere(state: AlertStatusFilter, now: Date) {
  const at = now.toISOString()
  if (state === 'all') return sql``
  if (state === 'open') return sql`and a.status = 'open' and (a.snoozed_until is null or a.snoozed_until <= ${at}::timestamptz)`
  if (state === 'snoozed') return sql`and a.status = 'open' and a.snoozed_until > ${at}::timestamptz`
  return sql`and a.status = ${state}`
}

/** The ids of the alerts a list shows (or their count): from the owners' deals, or from the alerts alone for the whole tenant. */
function alertsPicked(tenantId: string, query: AlertQuery, select: 'ids' | 'count', limit?: number) {
  const status = alertStatusWhere(query.state, query.now ?? new Date())
  const what = select === 'count' ? sql`count(*)::int as count` : sql`a.id`
  const page = select === 'count' ? sql`` : sql`order by a.created_at desc, a.id limit ${limit ?? 100}`
  return query.owners
    ? sql`
        select ${what} from deals d
        cross join lateral (select a.id, a.created_at from alerts a
                            where a.tenant_id = d.tenant_id and a.deal_id = d.id ${status} offset 0) a
        where d.tenant_id = ${tenantId}::uuid and ${ownerIn(sql`d.owner_id`, query.owners)}
          ${query.dealId ? sql`and d.id = ${query.dealId}::uuid` : sql``}
        ${page}`
    : sql`
        select ${what} from alerts a
        where a.tenant_id = ${tenantId}::uuid ${status} ${query.dealId ? sql`and a.deal_id = ${query.dealId}::uuid` : sql``}
        ${page}`
}

/**
 * Alerts on the deals the caller sees (of `owners` only, when given: see ownersOf), newest first.
 * The page of alerts is picked first — from the alerts alone for the whole tenant, from the owners'
 * deals otherwise (no other owner's alert is read) — and only those rows are joined to their deals.
 */
export async function listAlerts(tx: Tx, tenantId: string, query: AlertQuery & { limit: number }) {
  const picked = await queryRows<{ id: string }>(tx, alertsPicked(tenantId, query, 'ids', query.limit))
  if (!picked.length) return []
  return tx
    .select({
      id: alerts.id,
      kind: alerts.kind,
      message: alerts.message,
      status: alerts.status,
      createdAt: alerts.createdAt,
      closedAt: alerts.closedAt,
      snoozedUntil: alerts.snoozedUntil,
      deal: { id: deals.id, name: deals.name, stage: deals.stage, amount: deals.amount, ownerId: deals.ownerId },
    })
    .from(alerts)
    .innerJoin(deals, and(eq(deals.tenantId, alerts.tenantId), eq(deals.id, alerts.dealId)))
    .where(and(eq(alerts.tenantId, tenantId), inArray(alerts.id, picked.map(p => p.id))))
    .orderBy(desc(alerts.createdAt), asc(alerts.id))
}

/** How many alerts `listAlerts` would answer without a limit (the same filter, the same visibility). */
export async function countAlerts(tx: Tx, tenantId: string, query: AlertQuery) {
  const [row] = await queryRows<{ count: number }>(tx, alertsPicked(tenantId, query, 'count'))
  return row?.count ?? 0
}

/** The alert the caller sees, locked for the change; 404 otherwise (another tenant's, or on a deal they may not see). */
async function alertForChange(tx: Tx, tenantId: string, id: string) {
  const [alert] = await tx
    .select({ id: alerts.id, status: alerts.status, dealId: alerts.dealId, kind: alerts.kind, snoozedUntil: alerts.snoozedUntil })
    .from(alerts)
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id)))
    .for('update')
  if (!alert) throw notFound('alert')
  return alert
}

const alertAnswer = { id: alerts.id, status: alerts.status, closedAt: alerts.closedAt, snoozedUntil: alerts.snoozedUntil }

/** Dismisses an open alert (dismissing one already closed changes nothing); 404 if the caller cannot see it. */
export async function dismissAlert(tx: Tx, tenantId: string, userId: string, id: string, now = new Date()) {
  const alert = await alertForChange(tx, tenantId, id)
  if (alert.status !== 'open') return { id, status: alert.status }
  const [updated] = await tx
    .update(alerts)
    .set({ status: 'dismissed', closedAt: now, dismissedById: userId })
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id)))
    .returning(alertAnswer)
  await publish(tx, [{ tenantId, topic: 'alert.closed', data: { alerts: [{ id, dealId: alert.dealId }] } }])
  return updated!
}

/**
 * Undoes a dismissal: the alert is open again (restoring an open one changes nothing). 409 for a
 * resolved alert (its condition has passed) or when the deal has another open alert of that kind
 * by now; 404 if the caller cannot see it.
 */
export async function restoreAlert(tx: Tx, tenantId: string, id: string) {
  const alert = await alertForChange(tx, tenantId, id)
  if (alert.status === 'open') return { id, status: alert.status, closedAt: null, snoozedUntil: alert.snoozedUntil }
  if (alert.status !== 'dismissed') throw conflict('only a dismissed alert can be restored', { status: alert.status })
  const [other] = await tx
    .select({ id: alerts.id })
    .from(alerts)
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.dealId, alert.dealId), eq(alerts.kind, alert.kind), eq(alerts.status, 'open')))
  if (other) throw conflict('the deal has a newer open alert of this kind', { alertId: other.id })
  const [updated] = await tx
    .update(alerts)
    .set({ status: 'open', closedAt: null, dismissedById: null })
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id)))
    .returning(alertAnswer)
  await publish(tx, [{ tenantId, topic: 'alert.created', data: { alerts: [{ id, dealId: alert.dealId }] } }])
  return updated!
}

/**
 * Snoozes an open alert until a time (it leaves the lists until then), or wakes it (`until` null).
 * 400 naming `until` unless it is in the future; 409 for a closed alert; 404 if the caller cannot see it.
 */
export async function snoozeAlert(tx: Tx, tenantId: string, id: string, until: Date | null, now = new Date()) {
  if (until && until.getTime() <= now.getTime()) throw badRequest('until', 'must be in the future')
  const alert = await alertForChange(tx, tenantId, id)
  if (alert.status !== 'open') throw conflict('only an open alert can be snoozed', { status: alert.status })
  const [updated] = await tx
    .update(alerts)
    .set({ snoozedUntil: until })
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id)))
    .returning(alertAnswer)
  const wasHidden = alert.snoozedUntil !== null && alert.snoozedUntil.getTime() > now.getTime()
  if (Boolean(until) !== wasHidden) {
    const topic = until ? 'alert.closed' as const : 'alert.created' as const
    await publish(tx, [{ tenantId, topic, data: { alerts: [{ id, dealId: alert.dealId }] } }])
  }
  return updated!
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
