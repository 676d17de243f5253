import { and, desc, eq, isNull, or } from 'drizzle-orm'
import { taskRuns } from '../../../db/schema'
import type { AppDatabase } from '../../../db/client'
import { tenantIds, withTenant } from '../core/db'
import type { Mailer } from '../email/mailer'
import type { DeliverOptions } from '../webhooks/deliver'

/**
 * The generic job runner: what every background task shares — its options, how a run is
 * recorded in `task_runs`, and running a piece of work once per tenant. The tasks themselves live
 * with their features (momentum/jobs.ts, work/jobs.ts, …) and are listed in registry.ts.
 */

export interface JobOptions {
  /** Only this tenant (an admin's request); all tenants otherwise (the scheduler, `npm run task`). */
  tenantId?: string
  /** momentum:refresh — score every open deal, not only the changed ones. */
  full?: boolean
  now?: Date
  /** Where emails go; the environment's SMTP server (SMTP_URL / SMTP_HOST …) unless given. */
  mailer?: Mailer | null
  /** webhooks:deliver — where requests may go (tests allow private targets, give a stand-in for DNS). */
  webhooks?: DeliverOptions
}

export interface TaskRun {
  name: string
  tenantId: string | null
  status: 'done' | 'skipped' | 'failed'
  touched: number
  durationMs: number
  details: Record<string, unknown>
  error?: string
}

/**
 * What a piece of work reports: how many things it touched, details for the run's record, and
 * whether it had nothing to do: `skipped` (recorded, with its reason) or `noop` (a frequent task
 * that found nothing due: not recorded, so a task that runs every minute does not flood the list).
 */
export interface Outcome { touched: number, details: Record<string, unknown>, skipped?: boolean, noop?: boolean }

/** A job: runs for the tenant in `options.tenantId`, or for every tenant, and answers its recorded runs. */
export type Job = (db: AppDatabase, options: JobOptions) => Promise<TaskRun[]>

/** Runs `work` and records the run (a failed run is recorded, then rethrown). */
export async function recorded(db: AppDatabase, name: string, tenantId: string | null, work: () => Promise<Outcome>): Promise<TaskRun> {
  const started = new Date()
  const write = (values: typeof taskRuns.$inferInsert) =>
    tenantId ? withTenant(db, tenantId, tx => tx.insert(taskRuns).values(values)) : db.insert(taskRuns).values(values)
  try {
    const result = await work()
    const run: TaskRun = {
      name,
      tenantId,
      status: result.skipped ? 'skipped' : 'done',
      touched: result.touched,
      durationMs: Date.now() - started.getTime(),
      details: result.details,
    }
    if (result.noop) return run
    await write({
      name,
      tenantId,
      startedAt: started,
      finishedAt: new Date(),
      status: run.status,
      touched: run.touched,
      durationMs: run.durationMs,
      details: run.details,
    })
    return run
  }
  catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    await write({
      name,
      tenantId,
      startedAt: started,
      finishedAt: new Date(),
      status: 'failed',
      durationMs: Date.now() - started.getTime(),
      error: message.slice(0, 1000),
    }).catch(() => undefined)
    throw error
  }
}

/** Runs `work` for each tenant (or the one in `options`) one after the other, each run recorded. */
export async function perTenant(
  db: AppDatabase,
  name: string,
  options: JobOptions,
  work: (tenantId: string) => Promise<Outcome>,
): Promise<TaskRun[]> {
  const runs: TaskRun[] = []
  for (const tenantId of await tenantIds(db, options.tenantId)) runs.push(await recorded(db, name, tenantId, () => work(tenantId)))
  return runs
}

/** The latest runs a tenant's admins may see (their tenant's and the global ones), of one task when `name` is given. */
export function recentRuns(db: AppDatabase, tenantId: string, options: { name?: string, limit?: number } = {}) {
  return withTenant(db, tenantId, tx => tx.select().from(taskRuns)
    .where(and(or(eq(taskRuns.tenantId, tenantId), isNull(taskRuns.tenantId)), options.name ? eq(taskRuns.name, options.name) : undefined))
    .orderBy(desc(taskRuns.startedAt)).limit(options.limit ?? 50))
}
