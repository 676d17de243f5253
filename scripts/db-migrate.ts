// npm run db:migrate — applies pending migrations to the database the environment names.
import { openDatabase, resolveDatabaseConfig } from '../db/client'
import { loadMigrations, migrate } from '../db/migrate'
import { ensureEventPartitions } from '../server/domain/events/partitions'
import { runScript } from './lib/run'

await runScript(async () => {
  const handle = await openDatabase(resolveDatabaseConfig())
  try {
    const applied = await migrate(handle.db, await loadMigrations('db/migrations'))
    const partitions = await ensureEventPartitions(handle.db)
    console.log(
      applied.length ? `Applied ${applied.join(', ')}` : 'The schema is current.',
      `(${handle.kind}; ${partitions} event partitions created)`,
    )
  }
  finally {
    await handle.close()
  }
})
