import { sql } from 'drizzle-orm'
import { queryRows } from '../../../db/client'
import { andWhere, ownerIn, ownersOf, type Tx } from '../core/db'
import { forecast } from '../forecast/forecast'
import { periodOf } from '../../../shared/utils/periods'
import { countAlerts, focusList, listAlerts, summaryGroup, type Caller } from '../momentum/queries'
import { pipelineSummary } from '../momentum/views'
import type { BoardCard } from '../../../shared/types/board'

/** The most cards a board column carries (largest first); the column's totals count them all. */
export const CARDS_PER_STAGE = 60

/**
 * The board's cards: open deals, and deals closed in the last 30 days, with their momentum; visible
 * ones only, of one owner or team when asked, the largest CARDS_PER_STAGE of each stage. The cards
 * are picked stage by stage from the deals alone, then joined to names and scores (those rows only).
 * `owners` (the caller's, see ownersOf) lets the planner start from their deals.
 */
export function boardCards(tx: Tx, tenantId: string, filter: { ownerId?: string, teamId?: string, owners?: readonly string[] | null }) {
  return queryRows<BoardCard>(
    tx,
    sql`
    with picked as (
      select x.id, s.kind from pipeline_stages s
      cross join lateral (
        select d.id from deals d
        where d.tenant_id = s.tenant_id and d.stage = s.key and (s.kind = 'open' or d.closed_at > now() - interval '30 days')
          ${filter.ownerId ? sql`and d.owner_id = ${filter.ownerId}::uuid` : sql``}
          ${filter.teamId
            ? sql`and d.owner_id in (select t.id from users t where t.tenant_id = ${tenantId}::uuid and t.team_id = ${filter.teamId}::uuid)`
            : sql``}
          ${andWhere(ownerIn(sql`d.owner_id`, filter.owners))}
        order by d.amount desc, d.id limit ${CARDS_PER_STAGE}
      ) x
      where s.tenant_id = ${tenantId}::uuid
    )
    select d.id, d.name, d.stage, d.amount::float as amount, d.currency, d.close_date::text as "closeDate", d.owner_id as "ownerId",
           u.name as "ownerName", a.name as "accountName",
           case when p.kind = 'open' then sc.score end as score, case when p.kind = 'open' then sc.state::text end as state,
           case when p.kind = 'open' then sc.win_probability end as "winProbability",
           case when p.kind = 'open' then sc.score - sc.previous_score end as change,
           case when p.kind = 'open' then sc.reasons -> 0 ->> 'text' end as reason
    from picked p
    join deals d on d.tenant_id = ${tenantId}::uuid and d.id = p.id
    left join users u on u.tenant_id = d.tenant_id and u.id = d.owner_id
    left join accounts a on a.tenant_id = d.tenant_id and a.id = d.account_id
    left join deal_scores sc on sc.tenant_id = d.tenant_id and sc.deal_id = d.id
    order by d.stage, d.amount desc, d.id`,
  )
}

type Activity = {
  id: string
  type: string
  occurredAt: Date
  dealId: string | null
  dealName: string | null
  accountId: string | null
  accountName: string | null
  contactId: string | null
  contactName: string | null
  actorName: string | null
  machine: boolean
}

/** The windows recent activity looks back over, shortest first: a longer one only when the shorter has too little. */
const RECENT_WINDOWS_HOURS = [24, 14 * 24]

/**
 * The latest activity on the deals the caller sees (two weeks at most). For the whole tenant, the
 * latest events picked alone, then joined to their deals; for some owners (see ownersOf), each of
 * their deals' latest events by the deal index, so that no other owner's event is read (each
 * would be tested against the policies). Over the last day first, two weeks only when the day has
 * fewer than `limit`; the bounds are constants, so the planner keeps only the partitions they cover.
 */
export async function recentActivity(
  tx: Tx,
  tenantId: string,
  options: { limit?: number, owners?: readonly string[] | null, now?: Date } = {},
) {
  const limit = options.limit ?? 15
  const now = options.now ?? new Date()
  const columns = sql`e.id, e.type, e.occurred_at as "occurredAt", d.id as "dealId", d.name as "dealName", u.name as "actorName",
           ac.id as "accountId", ac.name as "accountName", c.id as "contactId",
           nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') as "contactName",
           coalesce(e.metadata ->> 'machine', 'false') = 'true' as machine`
  // The event's account (else the deal's) and contact, for the row's links; rows the caller may not see are left out by the policies.
  const people = sql`
          left join accounts ac on ac.tenant_id = d.tenant_id and ac.id = coalesce(e.account_id, d.account_id)
          left join contacts c on c.tenant_id = d.tenant_id and c.id = e.contact_id`
  let rows: Activity[] = []
  for (const hours of RECENT_WINDOWS_HOURS) {
    const window = sql`e.occurred_at > ${new Date(now.getTime() - hours * 3_600_000).toISOString()}::timestamptz
      and e.occurred_at <= ${now.toISOString()}::timestamptz
      and e.type not in ('email_delivered')`
    rows = await queryRows<Activity>(
      tx,
      options.owners
        ? sql`
          select ${columns}
          from deals d
          cross join lateral (
            select e.id, e.type, e.occurred_at, e.actor_user_id, e.metadata, e.account_id, e.contact_id from events e
            where e.tenant_id = d.tenant_id and e.deal_id = d.id and ${window}
            order by e.occurred_at desc limit ${limit}
          ) e
          left join users u on u.tenant_id = d.tenant_id and u.id = e.actor_user_id ${people}
          where d.tenant_id = ${tenantId}::uuid and ${ownerIn(sql`d.owner_id`, options.owners)}
          order by e.occurred_at desc limit ${limit}`
        : sql`
          select ${columns}
          from (
            select e.id, e.type, e.occurred_at, e.deal_id, e.actor_user_id, e.metadata, e.account_id, e.contact_id from events e
            where e.tenant_id = ${tenantId}::uuid and e.deal_id is not null and ${window}
            order by e.occurred_at desc limit ${limit}
          ) e
          join deals d on d.tenant_id = ${tenantId}::uuid and d.id = e.deal_id
          left join users u on u.tenant_id = d.tenant_id and u.id = e.actor_user_id ${people}
          order by e.occurred_at desc`,
    )
    if (rows.length >= limit) break
  }
  return rows
}

/**
 * The rep's screen in one call, summaries only: the board (from the deals and their precomputed
 * scores), the pipeline summary (materialized view), the focus list, open alerts (and their count), recent activity
 * and this quarter's forecast headline — for what the caller may see, or one owner / team of it.
 */
export async function dashboard(tx: Tx, tenantId: string, caller: Caller, query: { ownerId?: string, teamId?: string }, now = new Date()) {
  const group = await summaryGroup(tx, tenantId, caller, query)
  const ownerId = group.startsWith('owner:') ? group.slice(6) : undefined
  const teamId = group.startsWith('team:') ? group.slice(5) : undefined
  const quarter = periodOf(now, 'quarter')
  const owners = ownersOf(caller.access)
  const alertQuery = { state: 'open' as const, owners: ownerId ? [ownerId] : owners, now }
  const [cards, summary, focus, alerts, alertsTotal, recent, outlook] = [
    await boardCards(tx, tenantId, { ownerId, teamId, owners }),
    await pipelineSummary(tx, group),
    await focusList(tx, tenantId, { limit: 8, ownerId, owners }),
    await listAlerts(tx, tenantId, { ...alertQuery, limit: 10 }),
    await countAlerts(tx, tenantId, alertQuery),
    await recentActivity(tx, tenantId, { owners, now }),
    await forecast(tx, tenantId, caller, quarter),
  ]
  const scope = ownerId
    ? outlook.owners.find(o => o.ownerId === ownerId)
    : teamId
      ? outlook.teams.find(t => t.teamId === teamId)
      : outlook.total
  return {
    scope: group,
    board: summary.stages.map(stage => ({ ...stage, cards: cards.filter(c => c.stage === stage.stage) })),
    totals: summary.totals,
    refreshedAt: summary.refreshedAt,
    focus,
    alerts,
    /** Every open alert of the screen's deals (the list above is the newest 10). */
    alertsTotal,
    recent,
    forecast: scope
      ? {
          period: quarter.key,
          closedWon: scope.closedWon,
          forecast: scope.adjusted?.amount ?? scope.forecast,
          projection: scope.projection,
          quota: scope.quota,
          attainment: scope.attainment,
        }
      : { period: quarter.key, closedWon: 0, forecast: 0, projection: 0, quota: null, attainment: null },
  }
}
