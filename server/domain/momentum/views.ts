import { sql } from 'drizzle-orm'
import type { AppDatabase } from '../../../db/client'
import { queryRows } from '../../../db/client'
import { committed, type Tx } from '../db'
import { publish } from '../events/bus'

/**
 * The materialized views (migration 0012): pipeline summary per stage for each owner, team and
 * the tenant, and daily activity per user and type. Refreshed CONCURRENTLY (reads never wait) by
 * the owner after each scoring run; the app reads them through tenant-filtered views.
 */
export async function refreshPipelineViews(db: AppDatabase): Promise<{ skipped?: 'locked', views: string[] }> {
  return committed(db, async (tx) => {
    const [lock] = await queryRows<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(hashtext('pipeline:refresh')) as ok`)
    if (!lock!.ok) return { skipped: 'locked' as const, views: [] }
    // Opens the owner's read policy on the source tables for this transaction only (see 0012).
    await tx.execute(sql`select set_config('app.system', 'refresh', true), set_config('jit', 'off', true)`)
    await tx.execute(sql`refresh materialized view concurrently pipeline_summary_mv`)
    await tx.execute(sql`refresh materialized view concurrently activity_daily_mv`)
    // Every process forgets the answers it kept from the views (server/utils/answers.ts).
    await publish(tx, [{ tenantId: 'all', topic: 'views.refreshed', data: {} }])
    return { views: ['pipeline_summary_mv', 'activity_daily_mv'] }
  })
}

export interface StageSummary { stage: string, count: number, value: number, weighted: number, accelerating: number, steady: number, stalling: number, atRisk: number }

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
  const refreshed = await queryRows<{ at: Date | null }>(tx, sql`select max(refreshed_at) as at from pipeline_summary`)
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
  const rows = await queryRows<{ n: number }>(tx, sql`
    with written as (
      insert into pipeline_snapshots (tenant_id, day, deal_id, owner_id, stage, amount, currency, close_date, forecast_category, probability, score, state)
      select d.tenant_id, (${now.toISOString()}::timestamptz at time zone 'UTC')::date, d.id, d.owner_id, d.stage, d.amount, d.currency, d.close_date,
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
    select count(*)::int as n from written`)
  return rows[0]!.n
}
