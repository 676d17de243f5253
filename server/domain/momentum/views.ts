import { sql } from 'drizzle-orm'
import type { AppDatabase } from '../../../db/client'
import { queryRows } from '../../../db/client'
import { tenantIds, withTenant, type Tx } from '../core/db'
import { publish } from '../events/bus'
import { refreshActivityRollup } from '../reports/activity'

/**
 * The pipeline summary per stage for each owner, team and the tenant (a table of migration 0021,
 * read through a tenant-filtered view), and the daily activity rollup (migration 0031). Each tenant's rows are
 * recomputed in a transaction of that tenant, under its row-level security: readers see the old
 * rows until it commits, and a tenant's refresh touches no other tenant.
 */
export async function refreshTenantViews(tx: Tx, tenantId: string): Promise<{ skipped?: 'locked', groups: number }> {
  // One refresh of a tenant at a time; a second caller finds it under way and skips.
  const [lock] = await queryRows<{ ok: boolean }>(
    tx,
    sql`select pg_try_advisory_xact_lock(hashtext('pipeline:refresh'), hashtext(${tenantId})) as ok`,
  )
  if (!lock!.ok) return { skipped: 'locked', groups: 0 }
  await tx.execute(sql`delete from pipeline_summary_rows where tenant_id = ${tenantId}::uuid`)
  const [written] = await queryRows<{ n: number }>(
    tx,
    sql`
    with written as (
      insert into pipeline_summary_rows
        (tenant_id, group_key, level, owner_id, team_id, stage, deals, value, weighted, accelerating, steady, stalling, at_risk,
         refreshed_at)
      select d.tenant_id,
             case when grouping(d.owner_id) = 0 then 'owner:' || d.owner_id
                  when grouping(u.team_id) = 0 then 'team:' || coalesce(u.team_id::text, 'none')
                  else 'tenant' end,
             case when grouping(d.owner_id) = 0 then 'owner' when grouping(u.team_id) = 0 then 'team' else 'tenant' end,
             case when grouping(d.owner_id) = 0 then d.owner_id end,
             case when grouping(u.team_id) = 0 then u.team_id end,
             d.stage,
             count(*)::int,
             sum(d.amount)::numeric(16, 2),
             sum(d.amount * coalesce(d.probability, s.probability) / 100.0)::numeric(16, 2),
             count(*) filter (where sc.state = 'accelerating')::int,
             count(*) filter (where sc.state = 'steady')::int,
             count(*) filter (where sc.state = 'stalling')::int,
             count(*) filter (where sc.state = 'at_risk')::int,
             now()
      from deals d
      join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage
      join users u on u.tenant_id = d.tenant_id and u.id = d.owner_id
      left join deal_scores sc on sc.tenant_id = d.tenant_id and sc.deal_id = d.id and s.kind = 'open'
      where d.tenant_id = ${tenantId}::uuid
      group by grouping sets ((d.tenant_id, d.stage), (d.tenant_id, u.team_id, d.stage), (d.tenant_id, d.owner_id, d.stage))
      returning 1
    ) select count(*)::int as n from written`,
  )
  // Activity per rep, day and measure (400 days, incrementally: reports/activity.ts).
  await refreshActivityRollup(tx, tenantId)
  await tx.execute(sql`insert into tenant_views_refreshed (tenant_id, refreshed_at) values (${tenantId}::uuid, now())
    on conflict (tenant_id) do update set refreshed_at = excluded.refreshed_at`)
  // Every process forgets the answers it kept from this tenant's views (server/utils/answers.ts).
  await publish(tx, [{ tenantId, topic: 'views.refreshed', data: {} }])
  return { groups: written!.n }
}

/** Refreshes the views of one tenant, or of every tenant one after the other (the scheduler). */
export async function refreshPipelineViews(
  db: AppDatabase,
  only?: string,
): Promise<{ skipped?: 'locked', views: string[], tenants: number }> {
  let done = 0
  let locked = 0
  for (const tenantId of await tenantIds(db, only)) {
    const result = await withTenant(db, tenantId, tx => refreshTenantViews(tx, tenantId))
    if (result.skipped) locked++
    else done++
  }
  return {
    ...(locked && !done ? { skipped: 'locked' as const } : {}),
    views: done ? ['pipeline_summary', 'activity_daily'] : [],
    tenants: done,
  }
}

export interface StageSummary {
  stage: string
  count: number
  value: number
  weighted: number
  accelerating: number
  steady: number
  stalling: number
  atRisk: number
}

/**
 * The pipeline per stage for the tenant, a team or an owner, from the materialized view (no
 * computing on read); every stage of the pipeline appears, empty ones with zeros.
 */
export async function pipelineSummary(tx: Tx, groupKey: string) {
  const rows = await queryRows<StageSummary & { refreshedAt: Date | null, position: number, kind: string, name: string }>(tx, sql`
    select s.key as stage, s.name, s.position, s.kind::text as kind,
           coalesce(p.deals, 0) as count, coalesce(p.value, 0)::float as value, coalesce(p.weighted, 0)::float as weighted,
           coalesce(p.accelerating, 0) as accelerating, coalesce(p.steady, 0) as steady, coalesce(p.stalling, 0) as stalling,
           coalesce(p.at_risk, 0) as "atRisk", p.refreshed_at as "refreshedAt"
    from pipeline_stages s
    left join pipeline_summary p on p.stage = s.key and p.group_key = ${groupKey}
    where s.tenant_id = momentum_tenant()
    order by s.position`)
  const refreshed = await queryRows<{ at: Date | null }>(
    tx,
    sql`select refreshed_at as at from tenant_views_refreshed where tenant_id = momentum_tenant()`,
  )
  const open = rows.filter(r => r.kind === 'open')
  return {
    stages: rows.map(({ refreshedAt: _r, position: _p, ...r }) => r),
    totals: {
      openCount: open.reduce((n, r) => n + r.count, 0),
      openValue: open.reduce((n, r) => n + r.value, 0),
      weighted: Math.round(open.reduce((n, r) => n + r.weighted, 0) * 100) / 100,
      won: rows.filter(r => r.kind === 'won').reduce((n, r) => n + r.value, 0),
    },
    refreshedAt: refreshed[0]?.at ?? null,
  }
}

/** Each open deal as it stands now, as the day's snapshot (re-running the same day replaces it). */
export async function snapshotPipeline(tx: Tx, tenantId: string, now: Date): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    tx,
    sql`
    with written as (
      insert into pipeline_snapshots
        (tenant_id, day, deal_id, owner_id, stage, amount, currency, close_date, forecast_category, probability, score, state)
      select d.tenant_id, (${now.toISOString()}::timestamptz at time zone 'UTC')::date, d.id, d.owner_id, d.stage, d.amount, d.currency,
             d.close_date,
             coalesce(d.forecast_category, s.forecast_category), coalesce(d.probability, s.probability), sc.score, sc.state
      from deals d
      join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage and s.kind = 'open'
      left join deal_scores sc on sc.tenant_id = d.tenant_id and sc.deal_id = d.id
      where d.tenant_id = ${tenantId}::uuid
      on conflict (tenant_id, day, deal_id) do update set owner_id = excluded.owner_id, stage = excluded.stage, amount = excluded.amount,
        currency = excluded.currency, close_date = excluded.close_date, forecast_category = excluded.forecast_category,
        probability = excluded.probability, score = excluded.score, state = excluded.state
      returning 1
    )
    select count(*)::int as n from written`,
  )
  return rows[0]!.n
}
