import type { AppDatabase } from '../../../db/client'
import { automationRun } from '../automation/jobs'
import { emailRetention } from '../email/jobs'
import { eventsPartitions } from '../events/jobs'
import { salesforceSync } from '../integrations/salesforce/schedule'
import { momentumRefresh, pipelineRefresh, pipelineSnapshot } from '../momentum/jobs'
import { digestSend } from '../notifications/jobs'
import { taskReminders } from '../tasks/jobs'
import { webhooksDeliver } from '../webhooks/jobs'
import type { Job, JobOptions, TaskRun } from './runner'

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
  'events:partitions': eventsPartitions,
  'email:retention': emailRetention,
  'salesforce:sync': salesforceSync,
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
