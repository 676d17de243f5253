import type { AppDatabase } from '../../../db/client'
import { withTenant } from '../db'
import { mailerFromEnv, type Mailer } from '../mail/mailer'
import { recorded, tenantIds, type TaskOptions, type TaskRun } from '../momentum/tasks'
import { sendDigests } from './digest'
import { emailReminders, flagNoNextStep, remindDueTasks } from './reminders'
import type { WorkTaskName } from './taskNames'

export interface WorkTaskOptions extends TaskOptions {
  /** Where emails go; the environment's SMTP server (SMTP_URL / SMTP_HOST …) unless given. */
  mailer?: Mailer | null
}

/** The app's address in emails: PUBLIC_URL, else the local default. */
export const appUrl = () => (process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, '')

/** Runs one of the work tasks for each tenant (or the one given), each run recorded in task_runs. */
export async function runWorkTask(db: AppDatabase, name: WorkTaskName, options: WorkTaskOptions = {}): Promise<TaskRun[]> {
  const now = options.now ?? new Date()
  const mailer = options.mailer === undefined ? mailerFromEnv() : options.mailer
  const runs: TaskRun[] = []
  for (const tenantId of await tenantIds(db, options.tenantId)) {
    runs.push(await recorded(db, name, tenantId, async () => {
      switch (name) {
        case 'tasks:reminders': {
          const { reminders, flagged } = await withTenant(db, tenantId, async tx => ({ reminders: await remindDueTasks(tx, tenantId, now), flagged: await flagNoNextStep(tx, tenantId, now) }))
          const email = await withTenant(db, tenantId, tx => emailReminders(tx, tenantId, reminders, mailer, appUrl()))
          return { touched: reminders.length, details: { reminders: reminders.length, ...email, noNextStep: flagged } }
        }
        case 'digest:send': {
          const result = await withTenant(db, tenantId, tx => sendDigests(tx, tenantId, mailer, now, appUrl()))
          return { touched: result.sent, details: result, skipped: 'skipped' in result }
        }
      }
    }))
  }
  return runs
}
