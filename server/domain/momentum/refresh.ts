import { sql } from 'drizzle-orm'
import type { MomentumState } from '../../../db/schema'
import { queryRows } from '../../../db/client'
import type { Tx } from '../core/db'
import { publish, type BusMessage } from '../events/bus'
import { notifyAlerts } from '../tasks/reminders'
import { refitWeights, tenantWeights } from './calibration'
import { featureRecord } from './model'
import { alertsFor, scoreDeal, type AlertDraft, type Weights } from './rules'
import { dealSignals } from './signals'

export interface RefreshResult {
  /** Deals scored in this run. */
  scored: number
  /** Why they were: named by new events, never scored, last scored on an earlier day, or all (full). */
  reasons: { dirty: number, unscored: number, stale: number, full: boolean }
  changed: number
  alertsCreated: number
  alertsClosed: number
  refitted: boolean
  skipped?: 'locked'
}

const day = (d: Date) => d.toISOString().slice(0, 10)

/**
 * The deals a run scores: with `full`, every open deal; otherwise the incremental set — deals
 * named by events since their last score (momentum_dirty), open deals never scored, and deals
 * last scored on an earlier day (their time-based signals count in days, so within a day they
 * change only through events).
 */
async function dealsToScore(tx: Tx, tenantId: string, now: Date) {
  const rows = await queryRows<{ dealId: string, why: 'dirty' | 'unscored' | 'stale' }>(tx, sql`
    select d.id as "dealId",
           case when m.deal_id is not null then 'dirty' when sc.deal_id is null then 'unscored' else 'stale' end as why
    from deals d
    join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage and s.kind = 'open'
    left join deal_scores sc on sc.tenant_id = d.tenant_id and sc.deal_id = d.id
    left join momentum_dirty m on m.tenant_id = d.tenant_id and m.deal_id = d.id
    where d.tenant_id = ${tenantId}::uuid
      and (m.deal_id is not null or sc.deal_id is null or (sc.computed_at at time zone 'UTC')::date < ${day(now)}::date)`)
  return rows
}

/**
 * One tenant's momentum run, in the caller's transaction (so a run cut off half-way leaves
 * nothing behind, and the next one completes it). Single-flight: a run already going for the
 * tenant in another process makes this one skip. Signals come set-wise from SQL; the rules score
 * each deal; scores, the day's history and alerts are written with one statement each.
 */
export async function refreshMomentum(tx: Tx, tenantId: string, options: { now?: Date, full?: boolean } = {}): Promise<RefreshResult> {
  const now = options.now ?? new Date()
  const full = options.full ?? false
  const empty = {
    scored: 0,
    reasons: { dirty: 0, unscored: 0, stale: 0, full },
    changed: 0,
    alertsCreated: 0,
    alertsClosed: 0,
    refitted: false,
  }
  const [lock] = await queryRows<{ ok: boolean }>(
    tx,
    sql`select pg_try_advisory_xact_lock(hashtext('momentum:refresh'), hashtext(${tenantId})) as ok`,
  )
  if (!lock!.ok) return { ...empty, skipped: 'locked' }

  const dirty = await queryRows<{ dealId: string, dirtiedAt: string }>(tx, sql`
    select deal_id as "dealId", dirtied_at::text as "dirtiedAt" from momentum_dirty where tenant_id = ${tenantId}::uuid`)
  const targets = full ? null : await dealsToScore(tx, tenantId, now)
  const reasons = {
    dirty: targets?.filter(t => t.why === 'dirty').length ?? 0,
    unscored: targets?.filter(t => t.why === 'unscored').length ?? 0,
    stale: targets?.filter(t => t.why === 'stale').length ?? 0,
    full,
  }
  // The first run of a day (or a full one) refits the tenant's weights to its closed deals.
  const refitted = full || reasons.stale > 0
  let weights: Weights
  if (refitted) weights = await refitWeights(tx, tenantId, now)
  else weights = await tenantWeights(tx, tenantId)

  const signals = targets && targets.length === 0 ? [] : await dealSignals(tx, tenantId, now, targets ? targets.map(t => t.dealId) : null)
  const previous = new Map(
    (signals.length
      ? await queryRows<{
          dealId: string
          score: number
          state: MomentumState
          stateSince: Date
          signals: Record<string, unknown>
          computedAt: Date
        }>(
          tx,
          sql`
        select deal_id as "dealId", score, state, state_since as "stateSince", signals, computed_at as "computedAt" from deal_scores
        where tenant_id = ${tenantId}::uuid and deal_id = any(${`{${signals.map(s => s.dealId).join(',')}}`}::uuid[])`,
        )
      : []
    ).map(p => [p.dealId, p]),
  )

  const rows = signals.map((s) => {
    const scored = scoreDeal(s, weights)
    const before = previous.get(s.dealId) ?? null
    return { s, scored, before, alerts: alertsFor(s, scored, before, now) }
  })

  if (rows.length) {
    const payload = JSON.stringify(
      rows.map(({ s, scored, before }) => ({
        deal_id: s.dealId,
        score: scored.score,
        win_probability: scored.winProbability,
        state: scored.state,
        previous_score: before?.score ?? null,
        previous_state: before?.state ?? null,
        state_since: before && before.state === scored.state ? new Date(before.stateSince).toISOString() : now.toISOString(),
        reasons: scored.reasons,
        signals: { ...s, winProbabilityWeekAgo: scored.winProbabilityWeekAgo },
        codes: scored.reasons.map(r => r.code),
        features: featureRecord(s),
      })),
    )
    await tx.execute(sql`
      with input as (
        select * from json_to_recordset(${payload}::json)
          as x(deal_id uuid, score int, win_probability real, state momentum_state, previous_score int,
          previous_state momentum_state, state_since timestamptz, reasons jsonb, signals jsonb, codes text[], features jsonb)
      ), scores as (
        insert into deal_scores
          (tenant_id, deal_id, score, win_probability, state, previous_score, previous_state, state_since, reasons, signals, computed_at)
        select ${tenantId}::uuid, deal_id, score, win_probability, state, previous_score, previous_state, state_since, reasons, signals,
               ${now.toISOString()}::timestamptz from input
        on conflict (tenant_id, deal_id) do update set score = excluded.score, win_probability = excluded.win_probability,
          state = excluded.state, previous_score = excluded.previous_score,
          previous_state = excluded.previous_state, state_since = excluded.state_since, reasons = excluded.reasons,
          signals = excluded.signals,
          computed_at = excluded.computed_at
      )
      insert into deal_score_history (tenant_id, deal_id, day, score, state, reason_codes, win_probability, features)
      select ${tenantId}::uuid, deal_id, ${day(now)}::date, score, state, codes, win_probability, features from input
      on conflict (tenant_id, deal_id, day) do update set score = excluded.score, state = excluded.state,
        reason_codes = excluded.reason_codes,
        win_probability = excluded.win_probability, features = excluded.features`)
  }

  const { created, closed } = await writeAlerts(
    tx,
    tenantId,
    rows.map(r => ({ dealId: r.s.dealId, state: r.scored.state, drafts: r.alerts })),
    now,
  )

  // The events that made deals dirty are accounted for (a closed deal's too); newer ones (dirtied since) stay.
  if (dirty.length) {
    const consumed = JSON.stringify(dirty.map(t => ({ deal_id: t.dealId, dirtied_at: t.dirtiedAt })))
    await tx.execute(sql`delete from momentum_dirty m using json_to_recordset(${consumed}::json) as x(deal_id uuid, dirtied_at timestamptz)
      where m.tenant_id = ${tenantId}::uuid and m.deal_id = x.deal_id and m.dirtied_at = x.dirtied_at`)
  }

  const changed = rows.filter(r => r.before?.score !== r.scored.score || r.before?.state !== r.scored.state)
  const messages: BusMessage[] = []
  for (let i = 0; i < changed.length; i += 50) {
    messages.push({
      tenantId,
      topic: 'deal.score',
      data: {
        deals: changed
          .slice(i, i + 50)
          .map(r => ({
            id: r.s.dealId,
            score: r.scored.score,
            winProbability: r.scored.winProbability,
            state: r.scored.state,
            change: r.scored.score - (r.before?.score ?? r.scored.score),
          })),
      },
    })
  }
  if (created.length) messages.push({ tenantId, topic: 'alert.created', data: { alerts: created.slice(0, 50) } })
  await publish(tx, messages)
  await notifyAlerts(tx, tenantId, created, now)

  return { scored: rows.length, reasons, changed: changed.length, alertsCreated: created.length, alertsClosed: closed, refitted }
}

/**
 * Raises the new alerts (an occurrence seen before is skipped: re-runs never duplicate) and
 * closes open ones whose condition has passed; alerts on deals that closed are closed too.
 */
async function writeAlerts(tx: Tx, tenantId: string, deals: { dealId: string, state: MomentumState, drafts: AlertDraft[] }[], now: Date) {
  const at = now.toISOString()
  const current = JSON.stringify(
    deals.map(d => ({ deal_id: d.dealId, state: d.state, kinds: d.drafts.map(a => `${a.kind}|${a.occurrence}`) })),
  )
  const closedRows = await queryRows<{ id: string }>(tx, sql`
    with input as (select * from json_to_recordset(${current}::json) as x(deal_id uuid, state text, kinds text[]))
    update alerts a set status = 'resolved', closed_at = ${at}::timestamptz
    from input i
    where a.tenant_id = ${tenantId}::uuid and a.deal_id = i.deal_id and a.status = 'open'
      and case a.kind
            when 'at_risk' then i.state <> 'at_risk'
            when 'stalling' then i.state <> 'stalling'
            when 'no_next_step' then false -- raised and settled by tasks:reminders
            else not (a.kind || '|' || a.occurrence = any(i.kinds))
          end
    returning a.id`)
  const closedDeals = await queryRows<{ id: string }>(tx, sql`
    update alerts a set status = 'resolved', closed_at = ${at}::timestamptz
    from deals d join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage
    where a.tenant_id = ${tenantId}::uuid and a.status = 'open' and d.tenant_id = a.tenant_id and d.id = a.deal_id and s.kind <> 'open'
    returning a.id`)
  const drafts = deals.flatMap(d => d.drafts.map(a => ({ deal_id: d.dealId, kind: a.kind, occurrence: a.occurrence, message: a.message })))
  const created = drafts.length
    ? await queryRows<{ id: string, dealId: string, kind: string, message: string }>(tx, sql`
        insert into alerts (tenant_id, deal_id, kind, occurrence, message, created_at)
        select ${tenantId}::uuid, deal_id, kind::alert_kind, occurrence, message, ${at}::timestamptz
        from json_to_recordset(${JSON.stringify(drafts)}::json) as x(deal_id uuid, kind text, occurrence text, message text)
        on conflict do nothing
        returning id, deal_id as "dealId", kind, message`)
    : []
  return { created, closed: closedRows.length + closedDeals.length }
}
