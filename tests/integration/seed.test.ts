import { sql, type SQL } from 'drizzle-orm'
import { queryRows } from '../../db/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { users } from '../../db/schema'
import { DEMO_LOGINS, DEMO_PASSWORD, removeDemo, seedDemo, type SeedSummary } from '../../server/domain/demo/seed'
import { verifyPassword } from '../../server/domain/tenancy/passwords'
import { createTestDatabase, type TestDatabase } from '../support/database'

let database: TestDatabase
let summary: SeedSummary
const now = new Date('2026-11-22T09:00:00Z')
beforeAll(async () => {
  database = await createTestDatabase()
  summary = await seedDemo(database.db, { now })
})
afterAll(() => database.close())

const query = <T>(statement: SQL) => queryRows<T>(database.db, statement)

describe('the demo seed', () => {
  it('makes an admin, a manager and three reps in one team, who can sign in', async () => {
    const people = await database.db.select().from(users)
    expect(people.map(p => p.role).sort()).toEqual(['admin', 'manager', 'rep', 'rep', 'rep'])
    expect(new Set(people.filter(p => p.role !== 'admin').map(p => p.teamId)).size).toBe(1)
    expect(await verifyPassword(people.find(p => p.email === DEMO_LOGINS[2].email)!.passwordHash!, DEMO_PASSWORD)).toBe(true)
  })

  it('makes about 300 deals across every default stage', async () => {
    const stages = await query<{ stage: string, n: number }>(sql`select stage, count(*)::int as n from deals group by stage`)
    expect(summary.deals).toBe(300)
    expect(Object.fromEntries(stages.map(s => [s.stage, s.n]))).toEqual({
      new: 40,
      contacted: 45,
      qualified: 50,
      proposal: 45,
      negotiation: 30,
      won: 50,
      lost: 40,
    })
  })

  it('writes about 20,000 events over the last 120 days, all in monthly partitions', async () => {
    const [stats] = await query<{ n: number, first: string, last: string, in_default: number }>(sql`
      select count(*)::int as n, min(occurred_at)::text as first, max(occurred_at)::text as last,
             count(*) filter (where tableoid = 'events_default'::regclass)::int as in_default from events`)
    expect(stats!.n).toBeGreaterThan(18_000)
    expect(stats!.n).toBeLessThan(24_000)
    expect(new Date(stats!.first).getTime()).toBeGreaterThanOrEqual(now.getTime() - 121 * 86_400_000)
    expect(new Date(stats!.last).getTime()).toBeLessThanOrEqual(now.getTime())
    expect(stats!.in_default).toBe(0)
  })

  it('leaves a history of stage changes consistent with every deal\'s current stage', async () => {
    const mismatched = await query<{ id: string }>(sql`
      select d.id from deals d
      left join lateral (select metadata->>'to' as stage from events e
                         where e.tenant_id = d.tenant_id and e.deal_id = d.id and e.type = 'stage_changed'
                         order by occurred_at desc limit 1) last on true
      where coalesce(last.stage, 'new') <> d.stage`)
    expect(mismatched).toEqual([])
  })

  it('shapes activity: some deals heat up, some go quiet, some have close dates pushed', async () => {
    const [shapes] = await query<{ hot: number, quiet: number, pushed: number }>(sql`
      with open as (select d.id from deals d join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage where s.kind = 'open'),
      recent as (select o.id,
                   count(e.*) filter (where e.occurred_at > ${now.toISOString()}::timestamptz - interval '7 days') as last7,
                   count(e.*) filter (where e.occurred_at between ${now.toISOString()}::timestamptz - interval '35 days'
                                        and ${now.toISOString()}::timestamptz - interval '7 days') as before28,
                   count(e.*) filter (where e.occurred_at > ${now.toISOString()}::timestamptz - interval '14 days'
                                        and e.type not in ('stage_changed', 'deal_updated')) as last14
                 from open o left join events e on e.deal_id = o.id group by o.id)
      select count(*) filter (where last7 * 4 > before28 * 1.5 and last7 > 3)::int as hot,
             count(*) filter (where last14 = 0)::int as quiet,
             (select count(distinct deal_id)::int from events where type = 'deal_updated' and metadata->'changes' ? 'closeDate') as pushed
      from recent`)
    expect(shapes!.hot).toBeGreaterThan(10)
    expect(shapes!.quiet).toBeGreaterThan(10)
    expect(shapes!.pushed).toBeGreaterThan(5)
  })

  it('can be removed and seeded again', async () => {
    await removeDemo(database.db)
    expect(await query(sql`select 1 from deals`)).toEqual([])
    expect(await query(sql`select 1 from events`)).toEqual([])
    const again = await seedDemo(database.db, { now })
    expect(again.events).toBe(summary.events)
  })
})
