import { sql } from 'drizzle-orm'
import { queryRows } from '../../db/client'
import type { Tx } from './db'
import { forecast } from './forecast/forecast'
import { periodOf } from './forecast/periods'
import { focusList, listAlerts, summaryGroup, type Caller } from './momentum/queries'
import { pipelineSummary } from './momentum/views'

/** The most cards a board column carries (largest first); the column's totals count them all. */
export const CARDS_PER_STAGE = 60

export interface BoardCard {
  id: string
  name: string
  stage: string
  amount: number
  currency: string
  closeDate: string | null
  ownerId: string
  ownerName: string | null
  accountName: string | null
  score: number | null
  state: string | null
  change: number | null
  reason: string | null
}

/** The board's cards: open deals, and deals closed in the last 30 days, with their momentum; visible ones only. */
export function boardCards(tx: Tx, tenantId: string, filter: { ownerId?: string, teamId?: string }) {
  return queryRows<BoardCard>(tx, sql`
    select id, name, stage, amount, currency, "closeDate", "ownerId", "ownerName", "accountName", score, state, change, reason from (
      select d.id, d.name, d.stage, d.amount::float as amount, d.currency, d.close_date::text as "closeDate", d.owner_id as "ownerId",
             u.name as "ownerName", a.name as "accountName",
             case when s.kind = 'open' then sc.score end as score, case when s.kind = 'open' then sc.state::text end as state,
             case when s.kind = 'open' then sc.score - sc.previous_score end as change,
             case when s.kind = 'open' then sc.reasons -> 0 ->> 'text' end as reason,
             row_number() over (partition by d.stage order by d.amount desc, d.id) as n
      from deals d
      join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage
      left join users u on u.tenant_id = d.tenant_id and u.id = d.owner_id
      left join accounts a on a.tenant_id = d.tenant_id and a.id = d.account_id
      left join deal_scores sc on sc.tenant_id = d.tenant_id and sc.deal_id = d.id
      where d.tenant_id = ${tenantId}::uuid
        and (s.kind = 'open' or d.closed_at > now() - interval '30 days')
        ${filter.ownerId ? sql`and d.owner_id = ${filter.ownerId}::uuid` : sql``}
        ${filter.teamId ? sql`and u.team_id = ${filter.teamId}::uuid` : sql``}
    ) x where n <= ${CARDS_PER_STAGE}`)
}

/** The latest activity on the deals the caller sees (two weeks at most). */
export function recentActivity(tx: Tx, tenantId: string, limit = 15) {
  return queryRows<{ id: string, type: string, occurredAt: Date, dealId: string | null, dealName: string | null, actorName: string | null, machine: boolean }>(tx, sql`
    select e.id, e.type, e.occurred_at as "occurredAt", e.deal_id as "dealId", d.name as "dealName", u.name as "actorName",
           coalesce(e.metadata ->> 'machine', 'false') = 'true' as machine
    from events e
    join deals d on d.tenant_id = e.tenant_id and d.id = e.deal_id
    left join users u on u.tenant_id = e.tenant_id and u.id = e.actor_user_id
    where e.tenant_id = ${tenantId}::uuid and e.occurred_at > now() - interval '14 days' and e.occurred_at <= now()
      and e.type not in ('email_delivered')
    order by e.occurred_at desc limit ${limit}`)
}

/**
 * The rep's screen in one call, summaries only: the board (from the deals and their precomputed
 * scores), the pipeline summary (materialized view), the focus list, open alerts, recent activity
 * and this quarter's forecast headline — for what the caller may see, or one owner / team of it.
 */
export async function dashboard(tx: Tx, tenantId: string, caller: Caller, query: { ownerId?: string, teamId?: string }, now = new Date()) {
  const group = await summaryGroup(tx, tenantId, caller, query)
  const ownerId = group.startsWith('owner:') ? group.slice(6) : undefined
  const teamId = group.startsWith('team:') ? group.slice(5) : undefined
  const quarter = periodOf(now, 'quarter')
  const [cards, summary, focus, alerts, recent, outlook] = [
    await boardCards(tx, tenantId, { ownerId, teamId }),
    await pipelineSummary(tx, group),
    await focusList(tx, tenantId, { limit: 8, ownerId }),
    await listAlerts(tx, tenantId, { state: 'open', limit: 10 }),
    await recentActivity(tx, tenantId),
    await forecast(tx, tenantId, caller, quarter),
  ]
  const scope = ownerId ? outlook.owners.find(o => o.ownerId === ownerId) : teamId ? outlook.teams.find(t => t.teamId === teamId) : outlook.total
  return {
    scope: group,
    board: summary.stages.map(stage => ({ ...stage, cards: cards.filter(c => c.stage === stage.stage) })),
    totals: summary.totals,
    refreshedAt: summary.refreshedAt,
    focus,
    alerts: alerts.filter(a => !ownerId || a.deal.ownerId === ownerId),
    recent,
    forecast: scope
      ? { period: quarter.key, closedWon: scope.closedWon, forecast: scope.adjusted?.amount ?? scope.forecast, projection: scope.projection, quota: scope.quota, attainment: scope.attainment }
      : { period: quarter.key, closedWon: 0, forecast: 0, projection: 0, quota: null, attainment: null },
  }
}
