import { consola } from 'consola'
import { LiveRescorer } from '../domain/momentum/live'

/**
 * Scores within seconds: every `event.created` on the bus (from any process, through Postgres
 * NOTIFY) has its tenant's dirty deals rescored a moment later (server/domain/momentum/live.ts),
 * besides the hourly full task. MOMENTUM_LIVE_RESCORE=0 turns it off.
 */
export default defineNitroPlugin((nitroApp) => {
  if (process.env.MOMENTUM_LIVE_RESCORE === '0') return
  const rescorer = new LiveRescorer(() => useDb(), (tenantId, error) => {
    consola.warn(`[momentum] live rescoring of ${tenantId}: ${error instanceof Error ? error.message : error}`)
  })
  bus.subscribeAll((message) => {
    if (message.topic === 'event.created') rescorer.schedule(message.tenantId)
  })
  nitroApp.hooks.hook('close', () => rescorer.stop())
})
