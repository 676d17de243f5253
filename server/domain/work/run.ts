import type { AppDatabase } from '../../../db/client'
import { processQueue, runTimeRules } from '../automation/engine'
import { loadBilling } from '../billing/apply'
import { effectiveCapabilities } from '../billing/capabilities'
import { billingStateOf } from '../billing/usage'
import { tenantIds, withTenant } from '../db'
import { mailerFromEnv, type Mailer } from '../mail/mailer'
import { recorded, type TaskOptions, type TaskRun } from '../momentum/tasks'
import { sendDueSteps } from '../sequences/send'
import { dailySendLimit } from '../sequences/templates'
import { deliverDue, type DeliverOptions } from '../webhooks/deliver'
import { sendDigests } from './digest'
import { emailReminders, flagNoNextStep, remindDueTasks } from './reminders'
import type { WorkTaskName } from './taskNames'

export interface WorkTaskOptions extends TaskOptions {
  /** Where emails go; the environment's SMTP server (SMTP_URL / SMTP_HOST …) unless given. */
  mailer?: Mailer | null
  /** webhooks:deliver — where requests may go (tests allow private targets, give a stand-in for DNS). */
  webhooks?: DeliverOptions
}

/** Whether the tenant's plan includes automation (rules, sequences, webhooks); with billing off, every tenant has it. */
export async function hasAutomation(db: AppDatabase, tenantId: string, now: Date) {
  const loaded = await withTenant(db, tenantId, tx => loadBilling(tx, tenantId))
  return effectiveCapabilities(billingStateOf(loaded), now, Boolean(process.env.STRIPE_SECRET_KEY)).capabilities.includes('automation')
}

/**
 * One pass of automation for a tenant: the queued events (rules, webhook deliveries, sequence
 * stops), the time-based rules, then the sequence steps that are due.
 */
export async function runAutomation(db: AppDatabase, tenantId: string, now: Date, mailer: Mailer | null) {
  const queue = await processQueue(db, tenantId, now)
  const timed = await runTimeRules(db, tenantId, now)
  const sequences = await sendDueSteps(db, tenantId, now, mailer, dailySendLimit())
  return { queue, timed, sequences }
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
        case 'automation:run': {
          if (!await hasAutomation(db, tenantId, now)) return { touched: 0, details: { reason: 'plan' }, skipped: true }
          const result = await runAutomation(db, tenantId, now, mailer)
          return { touched: result.queue.fired + result.timed.fired + result.sequences.sent, details: result }
        }
        case 'webhooks:deliver': {
          if (!await hasAutomation(db, tenantId, now)) return { touched: 0, details: { reason: 'plan' }, skipped: true }
          const result = await deliverDue(db, tenantId, now, options.webhooks)
          return { touched: result.delivered, details: result }
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
