import type { AppDatabase } from '../../../db/client'
import { planIncludes } from '../billing/plan'
import { mailerOf, type Mailer } from '../email/mailer'
import { perTenant, type Job } from '../jobs/runner'
import { sendDueSteps } from '../sequences/send'
import { dailySendLimit } from '../sequences/templates'
import { processQueue, runTimeRules } from './engine'

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
