import { withTenant } from '../core/db'
import { perTenant, recorded, type Job } from '../jobs/runner'
import { refreshMomentum } from './refresh'
import { refreshPipelineViews, snapshotPipeline } from './views'

/** pipeline:refresh — every tenant's pipeline summary and daily activity one after the other, or one tenant's alone. */
export const pipelineRefresh: Job = async (db, options) => [await recorded(db, 'pipeline:refresh', options.tenantId ?? null, async () => {
  const result = await refreshPipelineViews(db, options.tenantId)
  return { touched: result.tenants, details: { views: result.views, tenants: result.tenants }, skipped: Boolean(result.skipped) }
})]

/** momentum:refresh — scores each tenant in its own transaction, then refreshes the pipeline views (as pipeline:refresh). */
export const momentumRefresh: Job = async (db, options) => {
  const now = options.now ?? new Date()
  const runs = await perTenant(db, 'momentum:refresh', options, async (tenantId) => {
    const { scored, skipped, ...details } = await withTenant(db, tenantId, tx => refreshMomentum(tx, tenantId, { now, full: options.full }))
    return { touched: scored, details, skipped: Boolean(skipped) }
  })
  return [...runs, ...await pipelineRefresh(db, options)]
}

/** pipeline:snapshot — each open deal as it stands today. */
export const pipelineSnapshot: Job = (db, options) => {
  const now = options.now ?? new Date()
  return perTenant(db, 'pipeline:snapshot', options, async (tenantId) => {
    const deals = await withTenant(db, tenantId, tx => snapshotPipeline(tx, tenantId, now))
    return { touched: deals, details: { day: now.toISOString().slice(0, 10) } }
  })
}
