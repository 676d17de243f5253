import { and, eq, sql } from 'drizzle-orm'
import { SALESFORCE_OBJECTS, salesforceConnections, salesforceSyncState, taskRuns } from '../../../../db/schema'
import type { AppDatabase } from '../../../../db/client'
import { capabilitiesOf } from '../../billing/plan'
import { withTenant, type Tx } from '../../core/db'
import { dueCondition, leaseHeld, requireConnection } from './connections'
import { syncConnection, type SyncOptions, type SyncOutcome } from './sync'
import type { Job } from '../../jobs/runner'

export const TASK_NAME = 'salesforce:sync'

/** A run as the task registry reports it (server/domain/jobs/runner.ts `TaskRun`). */
export interface SalesforceTaskRun {
  name: string
  tenantId: string
  status: 'done' | 'skipped' | 'failed'
  touched: number
  durationMs: number
  details: Record<string, unknown>
  error?: string
}

/** Runs one sync and records it in `task_runs`: a failed sync (or one that needs reauthorization) is a failed task run. */
export async function runAndRecord(
  db: AppDatabase,
  tenantId: string,
  options: SyncOptions = {},
): Promise<{ outcome: SyncOutcome, run: SalesforceTaskRun }> {
  const started = new Date()
  const outcome = await syncConnection(db, tenantId, options)
  const summary = outcome.summary
  const status = outcome.status === 'done' ? 'done' : outcome.status === 'skipped' || outcome.status === 'paused' ? 'skipped' : 'failed'
  const run: SalesforceTaskRun = {
    name: TASK_NAME,
    tenantId,
    status,
    touched: summary?.objects.reduce((n, o) => n + o.out, 0) ?? 0,
    durationMs: Date.now() - started.getTime(),
    details: summary
      ? {
          outcome: outcome.status,
          objects: summary.objects,
          limitWaits: summary.limitWaits,
          retries: summary.retries,
          tokenRefreshes: summary.tokenRefreshes,
        }
      : { outcome: 'skipped', reason: outcome.status === 'skipped' ? outcome.reason : null },
    ...(summary?.error ? { error: summary.error } : {}),
  }
  await withTenant(db, tenantId, tx =>
    tx.insert(taskRuns).values({
      name: TASK_NAME,
      tenantId,
      startedAt: started,
      finishedAt: new Date(),
      status,
      touched: run.touched,
      durationMs: run.durationMs,
      details: run.details,
      error: run.error?.slice(0, 1000) ?? null,
    }),
  )
  return { outcome, run }
}

/**
 * The scheduled task (every 5 minutes): syncs each active connection whose own interval has
 * passed. A connection that needs reauthorization is not due until an admin reconnects it.
 * `only`: that tenant's connection now, due or not (the admin route, `npm run task`).
 */
export async function syncDue(db: AppDatabase, options: SyncOptions & { only?: string, now?: Date } = {}): Promise<SalesforceTaskRun[]> {
  const now = options.now ?? new Date()
  // One query across tenants, as the owner, through the policy migration 0016 opens for it.
  const ids = options.only
    ? [options.only]
    : (await db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.system', 'salesforce_schedule', true)`)
        return tx.select({ tenantId: salesforceConnections.tenantId }).from(salesforceConnections).where(dueCondition(now))
      })).map(r => r.tenantId)
  const runs: SalesforceTaskRun[] = []
  for (const tenantId of ids) {
    const due = await withTenant(db, tenantId, async (tx) => {
      const [row] = await tx.select({ tenantId: salesforceConnections.tenantId }).from(salesforceConnections)
        .where(and(eq(salesforceConnections.tenantId, tenantId), options.only ? undefined : dueCondition(now)))
      // A tenant whose plan no longer includes the sync keeps its connection, but is not synced.
      return row && (await capabilitiesOf(tx, tenantId, now)).capabilities.includes('salesforce_sync')
    })
    if (!due) continue
    runs.push((await runAndRecord(db, tenantId, options)).run)
  }
  return runs
}

/** What the status route and page show: last and next run, per object, lag, the last error in words. */
export async function connectionStatus(tx: Tx, tenantId: string, now = new Date()) {
  const row = await requireConnection(tx, tenantId)
  const states = await tx.select().from(salesforceSyncState).where(eq(salesforceSyncState.tenantId, tenantId))
  const byObject = new Map(states.map(s => [s.object, s]))
  const objects = SALESFORCE_OBJECTS.map((object) => {
    const s = byObject.get(object)
    return {
      object,
      watermark: s?.watermark ?? null,
      recordsIn: s?.lastRunIn ?? 0,
      recordsOut: s?.lastRunOut ?? 0,
      totalIn: s?.totalIn ?? 0,
      totalOut: s?.totalOut ?? 0,
      caughtUpAt: s?.caughtUpAt ?? null,
    }
  })
  const caughtUp = objects.map(o => o.caughtUpAt?.getTime() ?? null)
  const oldest = caughtUp.every(t => t !== null) ? Math.min(...caughtUp as number[]) : null
  const usage = row.apiUsage
  return {
    status: row.status,
    needsReauth: row.status === 'needs_reauth',
    running: leaseHeld(row, now),
    lastRun: row.lastRun ?? null,
    lastSuccessAt: row.lastSuccessAt,
    nextRunAt: row.nextRunAt,
    intervalMinutes: row.intervalMinutes,
    /** Seconds since the oldest moment every object was known complete; null before a full sync. */
    lagSeconds: oldest === null ? null : Math.max(0, Math.round((now.getTime() - oldest) / 1000)),
    lastError: row.lastError,
    lastErrorAt: row.lastErrorAt,
    apiUsage: usage ? { ...usage, percent: usage.limit ? Math.round((usage.used / usage.limit) * 1000) / 10 : null } : null,
    objects,
  }
}

/** salesforce:sync — each due connection (or the tenant's, now); a failed sync is a failed run, never a throw. */
export const salesforceSync: Job = (db, options) => syncDue(db, { only: options.tenantId, now: options.now ?? new Date() })
