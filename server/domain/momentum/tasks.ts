import { desc, eq, isNull, or } from 'drizzle-orm'
import { taskRuns } from '../../../db/schema'
import type { AppDatabase } from '../../../db/client'
import { tenantIds, withTenant } from '../db'
import { stripExpiredPayloads } from '../email/retention'
import { ensureEventPartitions } from '../events/partitions'
import { syncDue } from '../integrations/salesforce/schedule'
import { runWorkTask, type WorkTaskOptions } from '../work/run'
import { WORK_TASK_NAMES } from '../work/taskNames'
import { refreshMomentum } from './refresh'
import { refreshPipelineViews, snapshotPipeline } from './views'

/**
 * The scheduled tasks, runnable the same way from Nitro's scheduler (server/tasks), the admin
 * route (POST /api/v1/admin/tasks/:name) and the command line (`npm run task <name>`). Each run
 * is recorded in `task_runs`: when, what it touched, how long, how it ended.
 */
export const TASK_NAMES = ['momentum:refresh', 'pipeline:refresh', 'pipeline:snapshot', 'events:partitions', 'email:retention', 'salesforce:sync', ...WORK_TASK_NAMES] as const
export type TaskName = (typeof TASK_NAMES)[number]

/**
 * Tasks whose work cannot be split by tenant (event partitions are shared by every tenant): they
 * run from the scheduler and `npm run task` only, never from one tenant's request. Every other
 * task runs for the caller's tenant alone when an admin starts it.
 */
export const GLOBAL_TASKS: readonly TaskName[] = ['events:partitions']

export interface TaskOptions {
  /** Only this tenant (admin route); all tenants otherwise. */
  tenantId?: string
  /** momentum:refresh — score every open deal, not only the changed ones. */
  full?: boolean
  now?: Date
}

export interface TaskRun { name: string, tenantId: string | null, status: 'done' | 'skipped' | 'failed', touched: number, durationMs: number, details: Record<string, unknown>, error?: string }

/** Runs `work` and records the run (a failed run is recorded, then rethrown). */
export async function recorded(db: AppDatabase, name: string, tenantId: string | null, work: () => Promise<{ touched: number, details: Record<string, unknown>, skipped?: boolean }>): Promise<TaskRun> {
  const started = new Date()
  const write = (values: typeof taskRuns.$inferInsert) => (tenantId ? withTenant(db, tenantId, tx => tx.insert(taskRuns).values(values)) : db.insert(taskRuns).values(values))
  try {
    const result = await work()
    const run: TaskRun = { name, tenantId, status: result.skipped ? 'skipped' : 'done', touched: result.touched, durationMs: Date.now() - started.getTime(), details: result.details }
    await write({ name, tenantId, startedAt: started, finishedAt: new Date(), status: run.status, touched: run.touched, durationMs: run.durationMs, details: run.details })
    return run
  }
  catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    await write({ name, tenantId, startedAt: started, finishedAt: new Date(), status: 'failed', durationMs: Date.now() - started.getTime(), error: message.slice(0, 1000) }).catch(() => undefined)
    throw error
  }
}

/**
 * Runs a task. `momentum:refresh` scores each tenant in its own transaction, then refreshes the
 * pipeline views (`pipeline:refresh` after it, as the schedule wants).
 */
export async function runTask(db: AppDatabase, name: TaskName, options: WorkTaskOptions = {}): Promise<TaskRun[]> {
  const now = options.now ?? new Date()
  switch (name) {
    case 'momentum:refresh': {
      const runs: TaskRun[] = []
      for (const tenantId of await tenantIds(db, options.tenantId)) {
        runs.push(await recorded(db, name, tenantId, async () => {
          const result = await withTenant(db, tenantId, tx => refreshMomentum(tx, tenantId, { now, full: options.full }))
          const { scored, skipped, ...details } = result
          return { touched: scored, details, skipped: Boolean(skipped) }
        }))
      }
      return [...runs, ...await runTask(db, 'pipeline:refresh', options)]
    }
    case 'pipeline:refresh':
      // Every tenant's views one after the other (the schedule), or one tenant's alone.
      return [await recorded(db, name, options.tenantId ?? null, async () => {
        const result = await refreshPipelineViews(db, options.tenantId)
        return { touched: result.tenants, details: { views: result.views, tenants: result.tenants }, skipped: Boolean(result.skipped) }
      })]
    case 'pipeline:snapshot': {
      const runs: TaskRun[] = []
      for (const tenantId of await tenantIds(db, options.tenantId)) {
        runs.push(await recorded(db, name, tenantId, async () => {
          const deals = await withTenant(db, tenantId, tx => snapshotPipeline(tx, tenantId, now))
          return { touched: deals, details: { day: now.toISOString().slice(0, 10) } }
        }))
      }
      return runs
    }
    case 'salesforce:sync':
      // Each due connection (or the tenant's, now); a failed sync is a failed run, never a throw.
      return syncDue(db, { only: options.tenantId, now })
    case 'email:retention': {
      const runs: TaskRun[] = []
      for (const tenantId of await tenantIds(db, options.tenantId)) {
        runs.push(await recorded(db, name, tenantId, async () => {
          const { stripped, ...details } = await withTenant(db, tenantId, tx => stripExpiredPayloads(tx, tenantId, now))
          return { touched: stripped, details }
        }))
      }
      return runs
    }
    case 'events:partitions':
      return [await recorded(db, name, null, async () => {
        const created = await ensureEventPartitions(db)
        return { touched: created, details: { created } }
      })]
    default:
      return runWorkTask(db, name, options)
  }
}

/** The latest runs a tenant's admins may see (their tenant's and the global ones). */
export function recentRuns(db: AppDatabase, tenantId: string, limit = 50) {
  return withTenant(db, tenantId, tx => tx.select().from(taskRuns)
    .where(or(eq(taskRuns.tenantId, tenantId), isNull(taskRuns.tenantId))).orderBy(desc(taskRuns.startedAt)).limit(limit))
}
