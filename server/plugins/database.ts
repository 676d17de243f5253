import { consola } from 'consola'
import { loggable } from '../domain/core/errors'

/** Opens, migrates (and in dev seeds) the database at start-up; closes it on shutdown. */
export default defineNitroPlugin((nitroApp) => {
  useDatabase().catch((error: unknown) => consola.error(`[db] ${loggable(error)}`))
  nitroApp.hooks.hook('close', () => closeDatabase())
})
