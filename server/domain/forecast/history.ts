import { sql } from 'drizzle-orm'
import { queryRows } from '../../../db/client'
import type { Tx } from '../core/db'
import { weeksOf, type Period } from '../../../shared/utils/periods'

/**
 * What was forecast for a period at each week, from the daily pipeline snapshots, against what
 * had closed by then; and the deals whose close date moved out of the period (slipped) or into
 * it (pulled in), from their `deal_updated` events.
 */
export async function forecastHistory(tx: Tx, tenantId: string, period: Period, today: string) {
  const weeks = weeksOf(period, today > period.start ? addDays(today, 1) : period.start)
  // Within the period, today is the last point (the latest snapshot stands for it).
  if (today >= period.start && today < period.end && !weeks.includes(today)) weeks.push(today)
  const series = weeks.length
    ? await queryRows<{
        week: string
        snapshotDay: string | null
        commit: number | null
        bestCase: number | null
        weighted: number | null
        closedWon: number
      }>(
        tx,
        sql`
        with weeks as (select w::date as week from unnest(${`{${weeks.join(',')}}`}::date[]) as w),
        snap as (
          select w.week, (select max(ps.day) from pipeline_snapshots ps where ps.tenant_id = ${tenantId}::uuid and ps.day <= w.week) as day
          from weeks w
        ), won as (
          select (d.closed_at at time zone 'UTC')::date as closed_on, d.amount
          from deals d join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage and s.kind = 'won'
          where d.tenant_id = ${tenantId}::uuid
            and (d.closed_at at time zone 'UTC')::date >= ${period.start}::date
            and (d.closed_at at time zone 'UTC')::date < ${period.end}::date
        )
        select s.week::text as week, s.day::text as "snapshotDay",
               case when s.day is null then null else
                 coalesce((select sum(ps.amount) from pipeline_snapshots ps where ps.tenant_id = ${tenantId}::uuid and ps.day = s.day
                   and ps.close_date >= ${period.start}::date and ps.close_date < ${period.end}::date
                   and ps.forecast_category = 'commit'), 0)::float end as commit,
               case when s.day is null then null else
                 coalesce((select sum(ps.amount) from pipeline_snapshots ps where ps.tenant_id = ${tenantId}::uuid and ps.day = s.day
                   and ps.close_date >= ${period.start}::date and ps.close_date < ${period.end}::date
                   and ps.forecast_category in ('commit', 'best_case')), 0)::float end as "bestCase",
               case when s.day is null then null else
                 round(coalesce((select sum(ps.amount * ps.probability / 100.0) from pipeline_snapshots ps
                   where ps.tenant_id = ${tenantId}::uuid and ps.day = s.day
                   and ps.close_date >= ${period.start}::date and ps.close_date < ${period.end}::date
                   and ps.forecast_category <> 'omitted'), 0), 2)::float end as weighted,
               coalesce((select sum(amount) from won where closed_on < s.week), 0)::float as "closedWon"
        from snap s order by s.week`,
      )
    : []
  const points = series.map(p => ({
    ...p,
    // The forecast call's number that week: closed so far plus commit (and best case).
    forecast: p.commit === null ? null : Math.round((p.closedWon + p.commit) * 100) / 100,
    bestCaseForecast: p.bestCase === null ? null : Math.round((p.closedWon + p.bestCase) * 100) / 100,
  }))
  const [actual] = await queryRows<{ closedWon: number }>(tx, sql`
    select coalesce(sum(d.amount), 0)::float as "closedWon" from deals d
    join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage and s.kind = 'won'
    where d.tenant_id = ${tenantId}::uuid
      and (d.closed_at at time zone 'UTC')::date >= ${period.start}::date and (d.closed_at at time zone 'UTC')::date < ${period.end}::date`)

  const moves = await queryRows<{
    dealId: string
    name: string
    ownerId: string
    amount: number
    from: string | null
    to: string | null
    at: Date
    direction: 'slipped' | 'pulled_in'
  }>(
    tx,
    sql`
    with changes as (
      select e.deal_id, e.occurred_at, e.metadata -> 'changes' -> 'closeDate' ->> 'from' as "from",
             e.metadata -> 'changes' -> 'closeDate' ->> 'to' as "to"
      from events e
      where e.tenant_id = ${tenantId}::uuid and e.type = 'deal_updated' and e.metadata -> 'changes' ? 'closeDate'
    ), classified as (
      select c.*, case
          when c."from" >= ${period.start} and c."from" < ${period.end}
               and (c."to" is null or c."to" >= ${period.end} or c."to" < ${period.start}) then 'slipped'
          when (c."from" is null or c."from" >= ${period.end} or c."from" < ${period.start})
               and c."to" >= ${period.start} and c."to" < ${period.end} then 'pulled_in'
        end as direction
      from changes c
    )
    select distinct on (d.id, x.direction) d.id as "dealId", d.name, d.owner_id as "ownerId", d.amount::float as amount,
           x."from", x."to", x.occurred_at as at, x.direction
    from classified x join deals d on d.tenant_id = ${tenantId}::uuid and d.id = x.deal_id
    where x.direction is not null
      and (x.direction = 'slipped') = not (d.close_date >= ${period.start}::date and d.close_date < ${period.end}::date)
    order by d.id, x.direction, x.occurred_at desc`,
  )
  const slipped = moves.filter(m => m.direction === 'slipped').sort((a, b) => b.amount - a.amount)
  const pulledIn = moves.filter(m => m.direction === 'pulled_in').sort((a, b) => b.amount - a.amount)
  return {
    period,
    weeks: points,
    actual: actual!.closedWon,
    slipped: { deals: slipped, amount: slipped.reduce((s, d) => s + d.amount, 0) },
    pulledIn: { deals: pulledIn, amount: pulledIn.reduce((s, d) => s + d.amount, 0) },
  }
}

function addDays(day: string, n: number) {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}
