// npm run db:seed — replaces the demo tenant with a fresh one and prints the demo logins.
import { openDatabase, resolveDatabaseConfig } from '../db/client'
import { loadMigrations, migrate } from '../db/migrate'
import { removeDemo, seedDemo } from '../server/domain/demo/seed'
import { runScript } from './lib/run'

await runScript(async () => {
  const handle = await openDatabase(resolveDatabaseConfig())
  try {
    await migrate(handle.db, await loadMigrations('db/migrations'))
    await removeDemo(handle.db)
    const summary = await seedDemo(handle.db)
    console.log(`Seeded the demo tenant on ${handle.kind}: ${summary.deals} deals, ${summary.events} events.`)
    console.log(`Sign in with any of these (password: ${summary.password}):`)
    for (const login of summary.logins) console.log(`  ${login.email.padEnd(28)} ${login.role}`)
  }
  finally {
    await handle.close()
  }
})
