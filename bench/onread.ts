// The dashboard computed on read, the naive way, for bench:dashboard to set beside the real one:
// every request works out the momentum of the caller's open deals from the raw events — the
// app's own signal SQL (dealSignals, one statement over 120 days of events) and its own rules —
// then the board, the pipeline summary per stage (value, weighted value, momentum mix), the focus
// list and the alerts from those scores, where GET /api/v1/dashboard reads what the hourly run
// precomputed (deal_scores, alerts, the materialized summary). Under the caller's row-level
// security, as the server runs. The recent activity is the same query in both; the forecast
// headline is left out here (it would add the same cost to both sides).
import { sql } from 'drizzle-orm'
import type { AppDatabase } from '../db/client'
import { queryRows } from '../db/client'
import { CARDS_PER_STAGE, recentActivity } from '../server/domain/dashboard/dashboard'
import { withAccess, type Access } from '../server/domain/core/db'
import { focusPriority, nextAction, scoreDeal, thresholdAlerts } from '../server/domain/momentum/rules'
import { tenantWeights } from '../server/domain/momentum/calibration'
import { dealSignals } from '../server/domain/momentum/signals'

interface DealRow {
  id: string
  name: string
  stage: string
  kind: string
  amount: number
  probability: number
  currency: string
  closeDate: string | null
  ownerId: string
  ownerName: string | null
  accountName: string | null
}

const MIX = ['accelerating', 'steady', 'stalling', 'at_risk'] as const

/** The screen for `access`, computed on read; statements longer than `timeoutMs` are cancelled (Postgres error 57014). */
export async function dashboardOnRead(db: AppDatabase, access: Access, options: { now?: Date, timeoutMs?: number } = {}) {
  const tenantId = access.tenantId
  const now = options.now ?? new Date()
  return withAccess(db, access, async (tx) => {
    if (options.timeoutMs) await tx.execute(sql`select set_config('statement_timeout', ${String(Math.round(options.timeoutMs))}, true)`)
    // The deals the caller sees: open ones, and those closed in the last 30 days (the board's).
    const deals = await queryRows<DealRow>(
      tx,
      sql`
      select d.id, d.name, d.stage, s.kind::text as kind, d.amount::float as amount,
             coalesce(d.probability, s.probability)::float as probability,
             d.currency, d.close_date::text as "closeDate", d.owner_id as "ownerId", u.name as "ownerName", a.name as "accountName"
      from deals d
      join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage
      left join users u on u.tenant_id = d.tenant_id and u.id = d.owner_id
      left join accounts a on a.tenant_id = d.tenant_id and a.id = d.account_id
      where d.tenant_id = ${tenantId}::uuid and (s.kind = 'open' or d.closed_at > now() - interval '30 days')`,
    )
    const open = deals.filter(d => d.kind === 'open')
    const weights = await tenantWeights(tx, tenantId)
    // The whole tenant in one pass over its events; a rep or manager by the ids they see.
    const signals = open.length ? await dealSignals(tx, tenantId, now, access.scope === 'tenant' ? null : open.map(d => d.id)) : []
    const scores = new Map(signals.map(s => [s.dealId, { s, scored: scoreDeal(s, weights) }]))

    // Every stage, with its totals over all the deals the caller sees (closed ones of all time too).
    const stages = await queryRows<{ stage: string, name: string, kind: string, count: number, value: number, weighted: number }>(tx, sql`
      select s.key as stage, s.name, s.kind::text as kind, count(d.id)::int as count, coalesce(sum(d.amount), 0)::float as value,
             coalesce(sum(d.amount * coalesce(d.probability, s.probability) / 100.0), 0)::float as weighted
      from pipeline_stages s
      left join deals d on d.tenant_id = s.tenant_id and d.stage = s.key
      where s.tenant_id = ${tenantId}::uuid
      group by s.key, s.name, s.kind, s.position order by s.position`)
    const board = stages.map((stage) => {
      const inStage = deals.filter(d => d.stage === stage.stage)
      const mix = Object.fromEntries(MIX.map(m => [m, inStage.filter(d => scores.get(d.id)?.scored.state === m).length]))
      const cards = inStage.sort((a, b) => b.amount - a.amount || a.id.localeCompare(b.id)).slice(0, CARDS_PER_STAGE).map((d) => {
        const score = scores.get(d.id)?.scored
        return { ...d, score: score?.score ?? null, state: score?.state ?? null, reason: score?.reasons[0]?.text ?? null }
      })
      return { ...stage, ...mix, cards }
    })

    // Focus and alerts from the scores just computed (no earlier score on read: no change, no transitions).
    const focus = open.map((d) => {
      const { s, scored } = scores.get(d.id) ?? {}
      if (!s || !scored) return null
      return {
        deal: d,
        score: scored.score,
        state: scored.state,
        reasons: scored.reasons.slice(0, 3),
        whyNow: scored.reasons[0]?.text ?? 'steady, nothing stands out',
        nextAction: nextAction(s, scored.reasons),
        priority: focusPriority({ score: scored.score, change: 0, amount: d.amount, daysToClose: s.daysToClose }),
      }
    }).filter(f => f !== null).sort((a, b) => b.priority - a.priority || a.deal.id.localeCompare(b.deal.id)).slice(0, 8)
    const alerts = [...scores.values()]
      .flatMap(({ s }) => thresholdAlerts(s, now).map(a => ({ ...a, deal: { id: s.dealId, name: s.name } })))
      .slice(0, 10)

    const openStages = board.filter(b => b.kind === 'open')
    return {
      board,
      totals: {
        openCount: openStages.reduce((n, b) => n + b.count, 0),
        openValue: openStages.reduce((n, b) => n + b.value, 0),
        weighted: Math.round(openStages.reduce((n, b) => n + b.weighted, 0) * 100) / 100,
      },
      focus,
      alerts,
      recent: await recentActivity(tx, tenantId),
    }
  })
}
