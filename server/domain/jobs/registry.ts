import type { AppDatabase } from '../../../db/client'
import { stripExpiredPayloads } from '../email/retention'
import { withTenant } from '../db'
import { ensureEventPartitions } from '../events/partitions'
import { syncDue } from '../integrations/salesforce/schedule'
import { momentumRefresh, pipelineRefresh, pipelineSnapshot } from '../momentum/jobs'
import { automationRun, digestSend, taskReminders, webhooksDeliver } from '../work/jobs'
import { perTenant, recorded, type Job, type JobOptions, type TaskRun } from './runner'

/**
 * Every background task by name, runnable the same way from Nitro's scheduler (server/tasks), an
 * admin's request (POST /api/v1/admin/tasks/:name, for their tenant alone) and the command line
 * (`npm run task <name>`). Each run is recorded in `task_runs` (runner.ts). To add a task: write
 * its Job beside its feature, list it here, add server/tasks/<area>/<name>.ts and, if scheduled,
 * its line in nuxt.config.ts `scheduledTasks`.
 */
export const JOBS = {
  'momentum:refresh': momentumRefresh,
  'pipeline:refresh': pipelineRefresh,
  'pipeline:snapshot': pipelineSnapshot,
  'events:partitions': async db => [await recorded(db, 'events:partitions', null, async () => {
    const created = await ensureEventPartitions(db)
    return { touched: created, details: { created } }
  })],
  'email:retention': (db, options) => perTenant(db, 'email:retention', options, async (tenantId) => {
    const { stripped, ...details } = await withTenant(db, tenantId, tx => stripExpiredPayloads(tx, tenantId, options.now ?? new Date()))
    return { touched: stripped, details }
  }),
  // Each due connection (or the tenant's, now); a failed sync is a failed run, never a throw.
  'salesforce:sync': (db, options) => syncDue(db, { only: options.tenantId, now: options.now ?? new Date() }),
  'tasks:reminders': taskReminders,
  'automation:run': automationRun,
  'digest:send': digestSend,
  'webhooks:deliver': webhooksDeliver,
} as const satisfies Record<string, Job>

export type TaskName = keyof typeof JOBS
export const TASK_NAMES = Object.keys(JOBS) as [TaskName, ...TaskName[]]

/**
 * Tasks whose work cannot be split by tenant (event partitions are shared by every tenant): they
 * run from the scheduler and `npm run task` only, never from one tenant's request. Every other
 * task runs for the caller's tenant alone when an admin starts it.
 */
export const GLOBAL_TASKS: readonly TaskName[] = ['events:partitions']

/** Runs a task for every tenant, or for `options.tenantId` alone, and answers its recorded runs. */
export function runTask(db: AppDatabase, name: TaskName, options: JobOptions = {}): Promise<TaskRun[]> {
  return JOBS[name](db, options)
}
