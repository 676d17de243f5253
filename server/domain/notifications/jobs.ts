import { config } from '../core/config'
import { withTenant } from '../core/db'
import { mailerOf } from '../email/mailer'
import { perTenant, type Job } from '../jobs/runner'
import { sendDigests } from './digest'

/** digest:send — the daily digest to each user who wants one. */
export const digestSend: Job = (db, options) => {
  const now = options.now ?? new Date()
  const mailer = mailerOf(options)
  return perTenant(db, 'digest:send', options, async (tenantId) => {
    const result = await withTenant(db, tenantId, tx => sendDigests(tx, tenantId, mailer, now, config.appUrl()))
    return { touched: result.sent, details: result, skipped: 'skipped' in result }
  })
}
