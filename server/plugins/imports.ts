import { consola } from 'consola'
import { sweepImports } from '../domain/imports/sweep'
import { LEASE_MS } from '../domain/imports/run'

/**
 * Imports whose process died: at start-up and then every lease, fail the queued or running ones
 * with no heartbeat (another live process's keep theirs) and remove their uploads and any
 * orphaned upload (server/domain/imports/sweep.ts).
 */
export default defineNitroPlugin((nitroApp) => {
  const sweep = async () => {
    try {
      const { interrupted, removed } = await sweepImports(await useDb())
      if (interrupted.length || removed.length) consola.info(`[imports] ${interrupted.length} interrupted import(s) failed, ${removed.length} upload(s) removed`)
    }
    catch (error) {
      consola.warn(`[imports] sweep: ${error instanceof Error ? error.message : error}`)
    }
  }
  void sweep()
  const timer = setInterval(() => void sweep(), LEASE_MS)
  timer.unref()
  nitroApp.hooks.hook('close', () => clearInterval(timer))
})
