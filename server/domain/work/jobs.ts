import type { AppDatabase } from '../../../db/client'
import { processQueue, runTimeRules } from '../automation/engine'
import { planIncludes } from '../billing/plan'
import { config } from '../config'
import { withTenant } from '../db'
import { perTenant, type Job, type JobOptions } from '../jobs/runner'
import { mailerFromEnv, type Mailer } from '../mail/mailer'
import { sendDueSteps } from '../sequences/send'
import { dailySendLimit } from '../sequences/templates'
import { deliverDue } from '../webhooks/deliver'
import { sendDigests } from './digest'
import { emailReminders, flagNoNextStep, remindDueTasks } from './reminders'

/** Whether the tenant's plan includes automation (rules, sequences, webhooks); with billing off, every tenant has it. */
export const hasAutomation = (db: AppDatabase, tenantId: string, now: Date) => planIncludes(db, tenantId, 'automation', now)

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

const mailerOf = (options: JobOptions) => (options.mailer === undefined ? mailerFromEnv() : options.mailer)

/** tasks:reminders — reminds assignees of due tasks (in the app and by email) and flags open deals with no next step. */
export const taskReminders: Job = (db, options) => {
  const now = options.now ?? new Date()
  const mailer = mailerOf(options)
  return perTenant(db, 'tasks:reminders', options, async (tenantId) => {
    const { reminders, flagged } = await withTenant(db, tenantId, async tx => ({
      reminders: await remindDueTasks(tx, tenantId, now),
      flagged: await flagNoNextStep(tx, tenantId, now),
    }))
    const email = await withTenant(db, tenantId, tx => emailReminders(tx, tenantId, reminders, mailer, config.appUrl()))
    return { touched: reminders.length, details: { reminders: reminders.length, ...email, noNextStep: flagged } }
  })
}

/** automation:run — queued events, time-based rules and due sequence steps, for tenants whose plan has automation. */
export const automationRun: Job = (db, options) => {
  const now = options.now ?? new Date()
  const mailer = mailerOf(options)
  return perTenant(db, 'automation:run', options, async (tenantId) => {
    if (!await hasAutomation(db, tenantId, now)) return { touched: 0, details: { reason: 'plan' }, skipped: true }
    const result = await runAutomation(db, tenantId, now, mailer)
    return { touched: result.queue.fired + result.timed.fired + result.sequences.sent, details: result }
  })
}

/** webhooks:deliver — due deliveries and retries of outbound webhooks. */
export const webhooksDeliver: Job = (db, options) => {
  const now = options.now ?? new Date()
  return perTenant(db, 'webhooks:deliver', options, async (tenantId) => {
    if (!await hasAutomation(db, tenantId, now)) return { touched: 0, details: { reason: 'plan' }, skipped: true }
    const result = await deliverDue(db, tenantId, now, options.webhooks)
    return { touched: result.delivered, details: result }
  })
}

/** digest:send — the daily digest to each user who wants one. */
export const digestSend: Job = (db, options) => {
  const now = options.now ?? new Date()
  const mailer = mailerOf(options)
  return perTenant(db, 'digest:send', options, async (tenantId) => {
    const result = await withTenant(db, tenantId, tx => sendDigests(tx, tenantId, mailer, now, config.appUrl()))
    return { touched: result.sent, details: result, skipped: 'skipped' in result }
  })
}
