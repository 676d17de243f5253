import { consola } from 'consola'
import { sweepImports } from '../domain/imports/sweep'

/**
 * Imports whose process died: at start-up and then every 5 minutes, fail the queued or running
 * ones with no heartbeat (another live process's keep theirs) and remove their uploads and any
 * orphaned upload (server/domain/imports/sweep.ts). Between sweeps the API already shows such an
 * import failed (`importView`); the sweep makes it so and frees the disk. It visits every tenant
 * (imports are behind row-level security), hence not more often.
 */
const SWEEP_EVERY_MS = 5 * 60_000

export default defineNitroPlugin((nitroApp) => {
  const sweep = async () => {
    try {
      const { interrupted, removed } = await sweepImports(await useDb())
      if (interrupted.length || removed.length)
        consola.info(`[imports] ${interrupted.length} interrupted import(s) failed, ${removed.length} upload(s) removed`)
    }
    catch (error) {
      consola.warn(`[imports] sweep: ${error instanceof Error ? error.message : error}`)
    }
  }
  void sweep()
  const timer = setInterval(() => void sweep(), SWEEP_EVERY_MS)
  timer.unref()
  nitroApp.hooks.hook('close', () => clearInterval(timer))
})
