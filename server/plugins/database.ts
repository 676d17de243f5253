import { consola } from 'consola'

/** Opens, migrates (and in dev seeds) the database at start-up; closes it on shutdown. */
export default defineNitroPlugin((nitroApp) => {
  useDatabase().catch((error: Error) => consola.error(`[db] ${error.message}`))
  nitroApp.hooks.hook('close', () => closeDatabase())
})
