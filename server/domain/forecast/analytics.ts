import { sql, type SQL } from 'drizzle-orm'
import { queryRows } from '../../../db/client'
import type { Tx } from '../core/db'

/**
 * Pipeline analytics over a date range, from the stage history (`stage_changed` events) and the
 * deals, for what the caller may see. Each answers rows per group (source, owner, team or stage).
 */

export const ANALYTICS_GROUPS = ['source', 'owner', 'team', 'stage', 'none'] as const
export type AnalyticsGroup = (typeof ANALYTICS_GROUPS)[number]
export interface Range { from: string, to: string }

/** The days analytics look back over when no range is given. */
export const DEFAULT_RANGE_DAYS = 180

/** The range analytics read when not told: the last 180 days up to today (or `to`), both ends included. Pure. */
export function defaultRange(now: Date, given: { from?: string, to?: string } = {}): Range {
  const to = given.to ?? now.toISOString().slice(0, 10)
  const from = given.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - DEFAULT_RANGE_DAYS * 86_400_000).toISOString().slice(0, 10)
  return { from, to }
}

/** The group key and label of a deal row `d` (joined with its owner `u` and team `t`). */
function groupOf(groupBy: AnalyticsGroup): { key: SQL, label: SQL } {
  switch (groupBy) {
    case 'source': return { key: sql`d.source`, label: sql`d.source` }
    case 'owner': return { key: sql`d.owner_id::text`, label: sql`u.name` }
    case 'team': return { key: sql`coalesce(u.team_id::text, 'none')`, label: sql`coalesce(t.name, 'No team')` }
    default: return { key: sql`'all'`, label: sql`'All deals'` }
  }
}

const inRange = (column: SQL, range: Range) => sql`${column} >= ${range.from}::date and ${column} < (${range.to}::date + 1)`
const OWNER_JOINS = sql`join users u on u.tenant_id = d.tenant_id and u.id = d.owner_id
  left join teams t on t.tenant_id = u.tenant_id and t.id = u.team_id`

/**
 * Stage-to-stage conversion: per open stage (pipeline order), the deals that entered it in the
 * range, and how many of them went on to a later stage or were won.
 */
export function conversion(tx: Tx, tenantId: string, range: Range, groupBy: AnalyticsGroup) {
  const g = groupOf(groupBy === 'stage' ? 'none' : groupBy)
  return queryRows<{
    group: string
    label: string
    stage: string
    position: number
    entered: number
    advanced: number
    rate: number | null
  }>(
    tx,
    sql`
    with entries as (
      select e.deal_id, e.metadata ->> 'to' as stage from events e
      where e.tenant_id = ${tenantId}::uuid and e.type = 'stage_changed' and ${inRange(sql`e.occurred_at`, range)}
      union
      select e.deal_id, e.metadata ->> 'stage' from events e
      where e.tenant_id = ${tenantId}::uuid and e.type = 'deal_created' and ${inRange(sql`e.occurred_at`, range)}
    ), reached as (
      -- The furthest a deal got, ever: the highest position among its stage entries (won counts as furthest).
      select e.deal_id, max(s.position) as furthest
      from events e join pipeline_stages s on s.tenant_id = e.tenant_id
        and s.key = coalesce(e.metadata ->> 'to', e.metadata ->> 'stage') and s.kind <> 'lost'
      where e.tenant_id = ${tenantId}::uuid and e.type in ('stage_changed', 'deal_created')
      group by e.deal_id
    )
    select ${g.key} as "group", ${g.label} as label, s.key as stage, s.position,
           count(distinct x.deal_id)::int as entered,
           count(distinct x.deal_id) filter (where r.furthest > s.position)::int as advanced,
           round(count(distinct x.deal_id) filter (where r.furthest > s.position)::numeric
                 / nullif(count(distinct x.deal_id), 0), 3)::float as rate
    from entries x
    join pipeline_stages s on s.tenant_id = ${tenantId}::uuid and s.key = x.stage and s.kind = 'open'
    join deals d on d.tenant_id = ${tenantId}::uuid and d.id = x.deal_id
    ${OWNER_JOINS}
    join reached r on r.deal_id = x.deal_id
    group by 1, 2, s.key, s.position
    order by 2, s.position`,
  )
}

/** Days spent in each stage, from the moves out of it in the range: count, mean and median. */
export function timeInStage(tx: Tx, tenantId: string, range: Range, groupBy: AnalyticsGroup) {
  const g = groupOf(groupBy === 'stage' ? 'none' : groupBy)
  return queryRows<{ group: string, label: string, stage: string, moves: number, avgDays: number, medianDays: number }>(
    tx,
    sql`
    select ${g.key} as "group", ${g.label} as label, e.metadata ->> 'from' as stage, count(*)::int as moves,
           round(avg((e.metadata ->> 'secondsInStage')::numeric) / 86400, 1)::float as "avgDays",
           round((percentile_cont(0.5) within group (order by (e.metadata ->> 'secondsInStage')::numeric) / 86400)::numeric, 1)::float
             as "medianDays"
    from events e
    join deals d on d.tenant_id = e.tenant_id and d.id = e.deal_id
    ${OWNER_JOINS}
    join pipeline_stages s on s.tenant_id = e.tenant_id and s.key = e.metadata ->> 'from'
    where e.tenant_id = ${tenantId}::uuid and e.type = 'stage_changed' and ${inRange(sql`e.occurred_at`, range)}
      and jsonb_typeof(e.metadata -> 'secondsInStage') = 'number'
    group by 1, 2, 3, s.position
    order by 2, s.position`,
  )
}

/** Deals won and lost in the range (by when they closed): counts, win rate, amounts. By stage: the stage a lost deal left. */
export function winRate(tx: Tx, tenantId: string, range: Range, groupBy: AnalyticsGroup) {
  const g = groupBy === 'stage'
    ? { key: sql`coalesce(last.from_stage, d.stage)`, label: sql`coalesce(last.from_stage, d.stage)` }
    : groupOf(groupBy)
  return queryRows<{ group: string, label: string, won: number, lost: number, winRate: number | null, wonAmount: number }>(tx, sql`
    select ${g.key} as "group", ${g.label} as label,
           count(*) filter (where s.kind = 'won')::int as won, count(*) filter (where s.kind = 'lost')::int as lost,
           round(count(*) filter (where s.kind = 'won')::numeric / nullif(count(*), 0), 3)::float as "winRate",
           coalesce(sum(d.amount) filter (where s.kind = 'won'), 0)::float as "wonAmount"
    from deals d
    join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage and s.kind in ('won', 'lost')
    ${OWNER_JOINS}
    left join lateral (
      select e.metadata ->> 'from' as from_stage from events e
      where e.tenant_id = d.tenant_id and e.deal_id = d.id and e.type = 'stage_changed' and e.metadata ->> 'to' = d.stage
      order by e.occurred_at desc limit 1
    ) last on true
    where d.tenant_id = ${tenantId}::uuid and ${inRange(sql`d.closed_at`, range)}
    group by 1, 2
    order by 2`)
}

/** Sales-cycle length of the deals won in the range: days from creation to close, mean and median. */
export function cycleLength(tx: Tx, tenantId: string, range: Range, groupBy: AnalyticsGroup) {
  const g = groupOf(groupBy === 'stage' ? 'none' : groupBy)
  return queryRows<{ group: string, label: string, won: number, avgDays: number, medianDays: number }>(
    tx,
    sql`
    select ${g.key} as "group", ${g.label} as label, count(*)::int as won,
           round(avg(extract(epoch from d.closed_at - d.created_at) / 86400)::numeric, 1)::float as "avgDays",
           round((percentile_cont(0.5) within group (order by extract(epoch from d.closed_at - d.created_at)) / 86400)::numeric, 1)::float
             as "medianDays"
    from deals d
    join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage and s.kind = 'won'
    ${OWNER_JOINS}
    where d.tenant_id = ${tenantId}::uuid and ${inRange(sql`d.closed_at`, range)}
    group by 1, 2
    order by 2`,
  )
}

/**
 * The deals won and lost in a range, of what the caller sees: the win rate's own count (one
 * definition for Analytics and Settings -> Momentum).
 */
export async function closedCounts(tx: Tx, tenantId: string, range: Range) {
  const rows = await winRate(tx, tenantId, range, 'none')
  return { won: rows.reduce((n, r) => n + r.won, 0), lost: rows.reduce((n, r) => n + r.lost, 0), ...range }
}

export const ANALYTICS = {
  'conversion': conversion,
  'time-in-stage': timeInStage,
  'win-rate': winRate,
  'cycle-length': cycleLength,
} as const
export type AnalyticsKind = keyof typeof ANALYTICS
