// npm run task <name> [-- --full] [-- --tenant <id>] — runs a scheduled task now, as the server's
// scheduler would, on DATABASE_URL (or the embedded database), and prints what each run did.
import { openDatabase, resolveDatabaseConfig } from '../db/client'
import { loadMigrations, migrate } from '../db/migrate'
import { runTask, TASK_NAMES, type TaskName } from '../server/domain/jobs/registry'
import { runScript } from './lib/run'

const [name, ...rest] = process.argv.slice(2)
if (!name || !(TASK_NAMES as readonly string[]).includes(name)) {
  console.error(`usage: npm run task <name> [-- --full] [-- --tenant <id>]; names: ${TASK_NAMES.join(', ')}`)
  process.exit(2)
}
const tenantAt = rest.indexOf('--tenant')

await runScript(async () => {
  const handle = await openDatabase(resolveDatabaseConfig())
  try {
    await migrate(handle.db, await loadMigrations('db/migrations'))
    const runs = await runTask(handle.db, name as TaskName, {
      full: rest.includes('--full'),
      tenantId: tenantAt >= 0 ? rest[tenantAt + 1] : undefined,
    })
    for (const run of runs)
      console.log(
        `${run.name.padEnd(18)} ${run.status.padEnd(7)} ${String(run.touched).padStart(6)} touched  `
        + `${String(run.durationMs).padStart(6)} ms  ${run.tenantId ?? 'all tenants'}  ${JSON.stringify(run.details)}`,
      )
  }
  finally {
    await handle.close()
  }
})
