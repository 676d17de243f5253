// Data at scale for the benchmarks, loaded set-wise (INSERT … SELECT over generate_series, no
// per-row round trips) and reproducible: the same seed gives the same data. One big tenant —
// by default 20,000 open deals, 50,000 contacts, 5,000,000 events over 18 months — and small
// tenants beside it, so that every query has to pick its tenant out of a shared table.
import { sql } from 'drizzle-orm'
import type { AppDatabase } from '../db/client'
import { queryRows } from '../db/client'
import { loadMigrations, migrate } from '../db/migrate'
import type { Tx } from '../server/domain/core/db'
import { hashPassword } from '../server/domain/tenancy/passwords'
import { createTenant, createUser, setTeamManager } from '../server/domain/tenancy/tenants'
import { benchDatabaseName, freshDatabase, openBenchDatabase, serverRows } from './lib'

export interface ScaleSizes {
  openDeals: number
  closedDeals: number
  contacts: number
  accounts: number
  reps: number
  events: number
  months: number
}

export const BIG: ScaleSizes = {
  openDeals: 20_000,
  closedDeals: 10_000,
  contacts: 50_000,
  accounts: 5_000,
  reps: 50,
  events: 5_000_000,
  months: 18,
}
/** The big tenant's sizes times `scale` (BENCH_SCALE: 0.05 for a quick run); months and reps stay. */
export function scaledSizes(scale: number): ScaleSizes {
  const times = (n: number) => Math.max(1, Math.round(n * scale))
  return {
    ...BIG,
    openDeals: times(BIG.openDeals),
    closedDeals: times(BIG.closedDeals),
    contacts: times(BIG.contacts),
    accounts: times(BIG.accounts),
    events: times(BIG.events),
  }
}

export const SMALL: ScaleSizes = { openDeals: 100, closedDeals: 50, contacts: 300, accounts: 40, reps: 3, events: 5_000, months: 18 }

const CHUNK = 250_000

/** Creates the month partitions the generated events fall into (the schema keeps only a few months ahead). */
async function monthPartitions(db: AppDatabase, months: number) {
  await db.execute(sql`select momentum_create_event_partition((date_trunc('month', now()) - make_interval(months => i))::date)
    from generate_series(0, ${months + 1}::int) as i`)
  await db.execute(sql`select momentum_ensure_event_partitions(3)`)
}

/**
 * Fills one tenant: teams, reps, accounts, contacts, deals (open ones spread over the open stages,
 * closed ones won or lost), two contacts per deal, each deal's stage history, and `events`
 * activity spread over each deal's life. Runs as the owner in one transaction.
 */
async function fillTenant(tx: Tx, tenantId: string, size: ScaleSizes, seed: number) {
  const T = sql`${tenantId}::uuid`
  // Loading runs as the owner (createTenant's transaction switched to the app role).
  await tx.execute(sql`reset role`)
  await tx.execute(sql`select setseed(${(seed % 1000) / 1000})`)
  await tx.execute(
    sql`insert into teams (tenant_id, name) select ${T}, 'Team ' || g from generate_series(1, greatest(1, ${size.reps} / 10)) g`,
  )
  await tx.execute(sql`insert into users (tenant_id, email, name, role, team_id)
    select ${T}, 'rep' || g || '@' || ${tenantId.slice(0, 8)} || '.bench', 'Rep ' || g, 'rep',
           (select id from teams where tenant_id = ${T} order by id offset (g % greatest(1, ${size.reps} / 10)) limit 1)
    from generate_series(1, ${size.reps}) g`)
  await tx.execute(sql`create temp table b_reps on commit drop as
    select row_number() over (order by id) - 1 as n, id from users where tenant_id = ${T} and role = 'rep'`)
  await tx.execute(sql`insert into accounts (tenant_id, name, domain, owner_id, source)
    select ${T}, 'Account ' || g, 'account' || g || '.example', r.id, 'bench'
    from generate_series(0, ${size.accounts - 1}) g join b_reps r on r.n = g % ${size.reps}`)
  await tx.execute(sql`create temp table b_accounts on commit drop as
    select row_number() over (order by id) - 1 as n, id, owner_id from accounts where tenant_id = ${T}`)
  await tx.execute(sql`insert into contacts (tenant_id, first_name, last_name, email, account_id, owner_id, source)
    select ${T}, 'Contact', g::text, 'c' || g || '@account' || (g % ${size.accounts}) || '.example', a.id, a.owner_id, 'bench'
    from generate_series(0, ${size.contacts - 1}) g join b_accounts a on a.n = g % ${size.accounts}`)
  await tx.execute(sql`create temp table b_contacts on commit drop as
    select row_number() over (order by id) - 1 as n, id from contacts where tenant_id = ${T}`)

  // Deals: open ones in the five open stages, closed ones won (45%) or lost, over the months.
  const total = size.openDeals + size.closedDeals
  await tx.execute(sql`insert into deals
      (tenant_id, name, account_id, owner_id, stage, stage_entered_at, amount, close_date, source, created_at, closed_at)
    select ${T}, 'Deal ' || g, a.id, a.owner_id, x.stage, x.entered, round((2000 + random() ^ 2 * 148000)::numeric, -2),
           case when x.open then (now() + make_interval(days => (random() * 120 - 15)::int))::date else x.entered::date end,
           'bench', x.created, case when x.open then null else x.entered end
    from generate_series(0, ${total - 1}) g
    join b_accounts a on a.n = g % ${size.accounts}
    cross join lateral (
      select g < ${size.openDeals} as open,
             case when g < ${size.openDeals} then (array['new', 'contacted', 'qualified', 'proposal', 'negotiation'])[1 + g % 5]
                  when random() < 0.45 then 'won' else 'lost' end as stage,
             now() - make_interval(days => (20 + random() * (${size.months} * 30 - 20))::int) as created
    ) x0
    cross join lateral (select x0.*, x0.created + (now() - x0.created) * (0.5 + random() * 0.45) as entered) x`)
  await tx.execute(sql`create temp table b_deals on commit drop as
    select row_number() over (order by id) - 1 as n, id, owner_id, account_id, created_at, coalesce(closed_at, now()) as until, stage
    from deals where tenant_id = ${T}`)
  await tx.execute(sql`create index on b_deals (n)`)
  await tx.execute(sql`insert into deal_contacts (tenant_id, deal_id, contact_id)
    select ${T}, d.id, c.id from b_deals d cross join generate_series(0, 1) k
    join b_contacts c on c.n = (d.n * 2 + k) % ${size.contacts}`)

  // Stage history: three moves per deal before its current stage, with the time spent in each.
  await tx.execute(sql`insert into events (tenant_id, id, occurred_at, type, source, actor_user_id, deal_id, account_id, metadata)
    select ${T}, gen_random_uuid(), d.created_at + (d.until - d.created_at) * k / 4.0, 'stage_changed', 'bench',
           d.owner_id, d.id, d.account_id,
           jsonb_build_object('from', (array['new', 'contacted', 'qualified'])[k], 'to', (array['contacted', 'qualified', 'proposal'])[k],
                              'secondsInStage', (extract(epoch from (d.until - d.created_at)) / 4)::int)
    from b_deals d cross join generate_series(1, 3) k`)

  // Activity, in chunks: a deal at random, a time in its life, a type by weight, one of its contacts.
  const activity = size.events - 3 * total
  for (let done = 0; done < activity; done += CHUNK) {
    await tx.execute(sql`insert into events
        (tenant_id, id, occurred_at, type, source, actor_user_id, actor_email, deal_id, contact_id, account_id, metadata)
      select ${T}, gen_random_uuid(), d.created_at + (d.until - d.created_at) * sqrt(x.r2), t.type, 'bench',
             case when t.outbound then d.owner_id end, null, d.id, c.id, d.account_id,
             case when t.type = 'call' then jsonb_build_object('outcome', case when x.r4 < 0.5 then 'connected' else 'voicemail' end,
                                                               'durationSeconds', (x.r4 * 1800)::int)
                  else '{}'::jsonb end
      from (select g, random() as r1, random() as r2, random() as r3, random() as r4
            from generate_series(1, ${Math.min(CHUNK, activity - done)}) g) x
      join b_deals d on d.n = floor(x.r1 * ${total})::int
      join b_contacts c on c.n = (d.n * 2 + (x.r4 < 0.5)::int) % ${size.contacts}
      cross join lateral (select case
        when x.r3 < 0.28 then 'email_sent' when x.r3 < 0.32 then 'email_delivered' when x.r3 < 0.46 then 'email_opened'
        when x.r3 < 0.51 then 'email_clicked' when x.r3 < 0.66 then 'email_received' when x.r3 < 0.81 then 'call'
        when x.r3 < 0.86 then 'meeting_scheduled' when x.r3 < 0.93 then 'meeting_held' else 'note' end as type) t0
      cross join lateral (select t0.type,
        t0.type in ('email_sent', 'call', 'meeting_scheduled', 'meeting_held', 'note', 'email_delivered') as outbound) t`)
  }
}

/** The password of the big tenant's sign-ins (set with the app's own scrypt helper). */
export const BENCH_PASSWORD = 'momentum-bench-password'

/** Who the dashboard benchmark signs in as in the big tenant: its admin, the manager of its first team, a rep of that team. */
export interface Logins { admin: string, manager: string, rep: string }

/** Gives the admin, a new manager of the first team and that team's first rep the bench password. */
async function signIns(tx: Tx, tenantId: string, adminEmail: string): Promise<Logins> {
  const prefix = tenantId.slice(0, 8)
  const [team] = await queryRows<{ id: string }>(tx, sql`select id from teams where tenant_id = ${tenantId}::uuid order by id limit 1`)
  const manager = await createUser(tx, tenantId, {
    email: `manager@${prefix}.bench`,
    name: 'Bench Manager',
    role: 'manager',
    teamId: team!.id,
  })
  await setTeamManager(tx, tenantId, team!.id, manager.id)
  const [rep] = await queryRows<{ email: string }>(
    tx,
    sql`select email from users where tenant_id = ${tenantId}::uuid and team_id = ${team!.id}::uuid and role = 'rep' order by id limit 1`,
  )
  const logins = { admin: adminEmail, manager: manager.email, rep: rep!.email }
  await tx.execute(sql`update users set password_hash = ${await hashPassword(BENCH_PASSWORD)}
    where tenant_id = ${tenantId}::uuid and email in (${logins.admin}, ${logins.manager}, ${logins.rep})`)
  return logins
}

export interface Loaded { bigTenantId: string, smallTenantIds: string[], logins: Logins, seconds: number, events: number }

/** Loads the big tenant and the small ones. Returns their ids and how long it took. */
export async function loadScale(
  db: AppDatabase,
  options: { big?: ScaleSizes, small?: ScaleSizes, smallTenants?: number, seed?: number } = {},
): Promise<Loaded> {
  const started = Date.now()
  const big = options.big ?? BIG
  await monthPartitions(db, big.months)
  const tenant = async (name: string, size: ScaleSizes, seed: number) =>
    createTenant(db, { name, plan: 'enterprise' }, async (tx, t) => {
      const admin = await createUser(tx, t.id, { email: `admin@${t.id.slice(0, 8)}.bench`, name: 'Bench Admin', role: 'admin' })
      await fillTenant(tx, t.id, size, seed)
      return admin.email
    })
  const { tenant: bigTenant, result: adminEmail } = await tenant('Scale Co', big, options.seed ?? 42)
  const bigTenantId = bigTenant.id
  const logins = await db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.tenant_id', ${bigTenantId}, true), set_config('app.scope', 'tenant', true)`)
    return signIns(tx, bigTenantId, adminEmail!)
  })
  const smallTenantIds: string[] = []
  for (let i = 0; i < (options.smallTenants ?? 20); i++)
    smallTenantIds.push((await tenant(`Small Co ${i + 1}`, options.small ?? SMALL, (options.seed ?? 42) + i + 1)).tenant.id)
  await db.execute(sql`analyze`)
  const [{ n }] = (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from events`)) as [{ n: number }]
  return { bigTenantId, smallTenantIds, logins, seconds: (Date.now() - started) / 1000, events: n }
}

/**
 * The scale data set's database (`momentum_bench_scale_1` at full scale, `…_0_05` at 0.05),
 * loaded once per `npm run bench`: bench:momentum loads it (and keeps it with BENCH_KEEP=1, as
 * bench/all.ts asks), bench:dashboard reuses it when one of the same generator, scale and seed is
 * there, and loads it itself if not.
 */
export const scaleDatabase = (scale: number) => `scale_${String(scale).replace(/\W/g, '_')}`
/** Raised when the generator changes, so that a kept database of an older one is loaded again. */
const GENERATOR = 2

export interface ScaleMeta extends Loaded { generator: number, scale: number, seed: number, sizes: ScaleSizes, scored: boolean }
export interface ScaleDatabase { database: Awaited<ReturnType<typeof freshDatabase>>, meta: ScaleMeta, reused: boolean }

/** A fresh scale database, loaded; its description kept in the table bench_scale (the owner's only). */
export async function loadScaleDatabase(scale: number, seed = 42): Promise<ScaleDatabase> {
  const database = await freshDatabase(scaleDatabase(scale))
  const sizes = scaledSizes(scale)
  const loaded = await loadScale(database.db, { big: sizes, seed })
  const meta: ScaleMeta = { generator: GENERATOR, scale, seed, sizes, ...loaded, scored: false }
  await database.db.execute(sql`create table bench_scale (meta jsonb not null)`)
  await database.db.execute(sql`insert into bench_scale (meta) values (${JSON.stringify(meta)}::jsonb)`)
  return { database, meta, reused: false }
}

/** The kept scale database when it holds this scale and seed (migrated to the current schema), else null. */
export async function keptScaleDatabase(scale: number, seed = 42): Promise<ScaleDatabase | null> {
  if (!(await serverRows('select 1 from pg_database where datname = $1', [benchDatabaseName(scaleDatabase(scale))])).length) return null
  const database = await openBenchDatabase(scaleDatabase(scale))
  const meta = await queryRows<{ meta: ScaleMeta }>(database.db, sql`select meta from bench_scale`).then(r => r[0]?.meta, () => undefined)
  if (!meta || meta.generator !== GENERATOR || meta.scale !== scale || meta.seed !== seed) {
    await database.close()
    return null
  }
  await migrate(database.db, await loadMigrations('db/migrations'))
  return { database, meta, reused: true }
}

/** Records that the big tenant is scored and the views refreshed (what bench:dashboard reads). */
export async function markScored(db: AppDatabase) {
  await db.execute(sql`update bench_scale set meta = jsonb_set(meta, '{scored}', 'true')`)
}
