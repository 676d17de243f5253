import { withTenant } from '../core/db'
import { perTenant, type Job } from '../jobs/runner'
import { stripExpiredPayloads } from './tracking/retention'

/** email:retention — strips the raw payloads of tracked emails past the tenant's retention. */
export const emailRetention: Job = (db, options) => perTenant(db, 'email:retention', options, async (tenantId) => {
  const { stripped, ...details } = await withTenant(db, tenantId, tx => stripExpiredPayloads(tx, tenantId, options.now ?? new Date()))
  return { touched: stripped, details }
})
