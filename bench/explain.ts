// tsx bench/explain.ts — the plans of the dashboard's statements at scale: runs the domain's
// dashboard() (what GET /api/v1/dashboard runs) on the kept scale database (BENCH_KEEP=1 npm run
// bench:momentum) as a rep, a manager or the admin (BENCH_ROLE), under their row-level security,
// and prints each statement slower than BENCH_EXPLAIN_MS (default 5) with its EXPLAIN ANALYZE
// (auto_explain, sent back as notices). For finding what to fix when bench:dashboard misses.
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import { queryRows, type AppDatabase } from '../db/client'
import * as schema from '../db/schema'
import { dashboard } from '../server/domain/dashboard/dashboard'
import { withAccess, withTenant } from '../server/domain/core/db'
import { accessFor } from '../server/domain/tenancy/access'
import { keptScaleDatabase, type Logins } from './scale'
import { timed } from './lib'

const scale = Number(process.env.BENCH_SCALE ?? 1)
const role = (process.env.BENCH_ROLE ?? 'rep') as keyof Logins
const kept = await keptScaleDatabase(scale)
if (!kept?.meta.scored)
  throw new Error(`no scored scale database at scale ${scale}: run BENCH_KEEP=1 BENCH_SCALE=${scale} npm run bench:momentum first`)
const T = kept.meta.bigTenantId
// One connection, so that the auto_explain settings hold for every statement.
const pool = new pg.Pool({ connectionString: kept.database.url, max: 1 })
const plans: string[] = []
pool.on('connect', client => client.on('notice', notice => plans.push(notice.message ?? '')))
const db = drizzle({ client: pool, schema }) as unknown as AppDatabase

const caller = await withTenant(db, T, async (tx) => {
  const [user] = await queryRows<{ id: string, role: 'rep' | 'manager' | 'admin', teamId: string | null }>(tx, sql`
    select id, role, team_id as "teamId" from users where tenant_id = ${T}::uuid and email = ${kept.meta.logins[role]}`)
  return { ...user!, userId: user!.id, access: await accessFor(tx, { tenantId: T, id: user!.id, role: user!.role }) }
})
await db.execute(sql.raw(`load 'auto_explain'`))
await db.execute(
  sql.raw(`set auto_explain.log_min_duration = ${Number(process.env.BENCH_EXPLAIN_MS ?? 5)}; set auto_explain.log_analyze = on;
  set auto_explain.log_buffers = on; set auto_explain.log_level = notice`),
)
await withAccess(db, caller.access, tx => dashboard(tx, T, caller, {})) // warm the caches once
plans.length = 0
const { seconds } = await timed(() => withAccess(db, caller.access, tx => dashboard(tx, T, caller, {})))
console.log(
  `dashboard() as the ${role} at scale ${scale}: ${(seconds * 1000).toFixed(1)} ms; `
  + `${plans.length} statement(s) over ${process.env.BENCH_EXPLAIN_MS ?? 5} ms\n`,
)
for (const plan of plans) console.log(`${plan}\n`)
await pool.end()
await kept.database.close()
