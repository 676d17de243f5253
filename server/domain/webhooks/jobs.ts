import { hasAutomation } from '../automation/jobs'
import { perTenant, type Job } from '../jobs/runner'
import { deliverDue } from './deliver'

/**
 * webhooks:deliver — due deliveries and retries of outbound webhooks (a part of automation in the
 * plans). It runs every minute: a run that found nothing due (or a plan without automation) is not
 * recorded, only runs that attempted a delivery are.
 */
export const webhooksDeliver: Job = (db, options) => {
  const now = options.now ?? new Date()
  return perTenant(db, 'webhooks:deliver', options, async (tenantId) => {
    if (!await hasAutomation(db, tenantId, now)) return { touched: 0, details: { reason: 'plan' }, skipped: true, noop: true }
    const result = await deliverDue(db, tenantId, now, options.webhooks)
    return { touched: result.delivered, details: result, skipped: result.attempted === 0, noop: result.attempted === 0 }
  })
}
