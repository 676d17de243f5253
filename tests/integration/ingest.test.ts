import { randomUUID } from 'node:crypto'
import { and, eq, sql, type SQLWrapper } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, queryRows, type DatabaseHandle } from '../../db/client'
import { events, notes, tasks } from '../../db/schema'
import { withTenant, type Tx } from '../../server/domain/core/db'
import { changeDealStage, createDeal } from '../../server/domain/deals/records'
import { createAccount } from '../../server/domain/records/accounts'
import { createContact } from '../../server/domain/records/contacts'
import { logActivity } from '../../server/domain/events/activities'
import { LocalBus, type BusMessage } from '../../server/domain/events/bus'
import { ingestEvents, parseEventBatch } from '../../server/domain/events/ingest'
import { dealTimeline, dealTimelineQuery, userEventsQuery } from '../../server/domain/events/queries'
import { writeEvents } from '../../server/domain/events/write'
import { createTenant, createUser } from '../../server/domain/tenancy/tenants'
import { completeTask } from '../../server/domain/tasks/tasks'
import { decodeKey, type Key } from '../../server/domain/core/paging'
import { createTestDatabase, type TestDatabase } from '../support/database'

let database: TestDatabase
let tenantId: string
let rep: { id: string, email: string }
let contact: { id: string, email: string | null }
let openDeals: string[]
let wonDeal: string
const inTenant = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(database.db, tenantId, fn)

beforeAll(async () => {
  database = await createTestDatabase()
  const made = await createTenant(database.db, { name: 'Ingest Co' }, async (tx, t) => {
    const user = await createUser(tx, t.id, { email: 'rep@ingest.test', name: 'Rep', role: 'rep' })
    const actor = { tenantId: t.id, userId: user.id }
    const account = await createAccount(tx, actor, { name: 'Buyer Inc' })
    const person = await createContact(tx, actor, { firstName: 'Bea', email: 'Bea@Buyer.test', accountId: account.id })
    const a = await createDeal(tx, actor, { name: 'A', amount: 10, contactIds: [person.id] })
    const b = await createDeal(tx, actor, { name: 'B', amount: 20, contactIds: [person.id] })
    const won = await createDeal(tx, actor, { name: 'Won', amount: 30, contactIds: [person.id], stage: 'negotiation' })
    await changeDealStage(tx, actor, won.id, { to: 'won' })
    return { user, person, open: [a.id, b.id], won: won.id }
  })
  tenantId = made.tenant.id
  rep = made.result!.user
  contact = made.result!.person
  openDeals = made.result!.open
  wonDeal = made.result!.won
})
afterAll(() => database.close())

const ev = (i: number, extra: Record<string, unknown> = {}) => ({
  type: 'email_received', occurredAt: `2026-11-10T10:${String(i % 60).padStart(2, '0')}:00Z`, source: 'gmail', externalId: `m-${i}`,
  actor: { email: 'bea@buyer.test' }, subject: { email: 'bea@buyer.test' }, ...extra,
})
const ingest = (body: unknown) => inTenant(tx => ingestEvents(tx, tenantId, parseEventBatch(body), 'system'))
const countWhere = async (externalPrefix: string) => (await queryRows<{ n: number }>(database.db,
  sql`select count(*)::int as n from events where tenant_id = ${tenantId} and external_id like ${`${externalPrefix}%`}`))[0]!.n

describe('ingestion', () => {
  it('lands a contact\'s email event on each of their open deals, not on closed ones', async () => {
    expect(await ingest(ev(1, { externalId: 'fan-1' }))).toEqual({ inserted: 1, duplicates: 0 })
    const rows = await database.db.select().from(events).where(and(eq(events.tenantId, tenantId), eq(events.externalId, 'fan-1')))
    expect(rows.map(r => r.dealId).sort()).toEqual([...openDeals].sort())
    expect(rows.every(r => r.contactId === contact.id)).toBe(true)
    expect(rows.map(r => r.dealId)).not.toContain(wonDeal)
  })

  it('resolves the actor by email', async () => {
    await ingest({
      ...ev(2, { externalId: 'actor-1' }),
      type: 'call',
      actor: { email: 'REP@ingest.test' },
      subject: { dealId: openDeals[0] },
    })
    const [row] = await database.db.select().from(events).where(eq(events.externalId, 'actor-1'))
    expect(row!.actorUserId).toBe(rep.id)
  })

  it('stores nothing from a batch with one bad item, and names the item', async () => {
    const batch = {
      events: [
        ev(10, { externalId: 'bad-1' }),
        ev(11, { externalId: 'bad-2', subject: { dealId: '00000000-0000-4000-8000-000000000000' } }),
        ev(12, { externalId: 'bad-3' }),
      ],
    }
    await expect(ingest(batch)).rejects.toMatchObject({
      statusCode: 400,
      data: { issues: [{ index: 1, path: 'subject.dealId', message: 'no such deal' }] },
    })
    expect(await countWhere('bad-')).toBe(0)
  })

  it('stores the same batch once when it arrives twice', async () => {
    const batch = { events: Array.from({ length: 40 }, (_, i) => ev(i, { externalId: `twice-${i}`, subject: { dealId: openDeals[1] } })) }
    expect(await ingest(batch)).toEqual({ inserted: 40, duplicates: 0 })
    expect(await ingest(batch)).toEqual({ inserted: 0, duplicates: 40 })
    expect(await countWhere('twice-')).toBe(40)
  })

  it.runIf(Boolean(process.env.TEST_DATABASE_URL))('stores two concurrent copies of a batch once (real Postgres)', async () => {
    const other = await openDatabase({ kind: 'postgres', url: database.url!, poolMax: 2 })
    try {
      const batch = parseEventBatch({ events: Array.from({ length: 300 }, (_, i) => ev(i, { externalId: `race-${i}` })) })
      const results = await Promise.all(
        [database.db, other.db].map(db => withTenant(db, tenantId, tx => ingestEvents(tx, tenantId, batch, 'system'))),
      )
      expect(results.map(r => r.inserted).sort((a, b) => a - b)).toEqual([0, 300])
      expect(await countWhere('race-')).toBe(300 * openDeals.length)
    }
    finally {
      await other.close()
    }
  })

  it('logs a call with its duration and outcome, and a note also as a note', async () => {
    await inTenant(tx =>
      logActivity(tx, { tenantId, userId: rep.id }, { type: 'call', dealId: openDeals[0], durationSeconds: 300, outcome: 'connected' }),
    )
    await inTenant(tx =>
      logActivity(tx, { tenantId, userId: rep.id }, { type: 'note', dealId: openDeals[0], body: 'Budget approved in Q1' }),
    )
    const timeline = await inTenant(tx => dealTimeline(tx, tenantId, openDeals[0]!, { limit: 500 }))
    expect(timeline.data.find(e => e.type === 'call' && e.source === 'direct')?.metadata).toEqual({
      durationSeconds: 300,
      outcome: 'connected',
    })
    expect((await database.db.select().from(notes).where(eq(notes.dealId, openDeals[0]!))).map(n => n.body)).toEqual([
      'Budget approved in Q1',
    ])
  })

  it('writes task_completed when a task is completed, in the same transaction', async () => {
    const [task] = await inTenant(tx =>
      tx.insert(tasks).values({ tenantId, title: 'Send proposal', dealId: openDeals[0], assigneeId: rep.id }).returning(),
    )
    await inTenant(tx => completeTask(tx, { tenantId, userId: rep.id }, task!.id))
    const [row] = await database.db.select().from(events).where(and(eq(events.type, 'task_completed'), eq(events.dealId, openDeals[0]!)))
    expect(row?.metadata).toMatchObject({ taskId: task!.id, title: 'Send proposal' })
    await expect(inTenant(tx => completeTask(tx, { tenantId, userId: rep.id }, task!.id))).rejects.toMatchObject({ statusCode: 404 })
  })
})

describe('the hot reads', () => {
  beforeAll(async () => {
    // Monthly partitions around the data, and twenty actors so that an actor's events are few.
    await database.db.execute(
      sql`select momentum_create_event_partition('2026-10-01'), momentum_create_event_partition('2026-11-01'),
        momentum_create_event_partition('2026-12-01')`,
    )
    const actors = [rep.id, ...Array.from({ length: 19 }, () => randomUUID())]
    const many = Array.from({ length: 6000 }, (_, i) => ({
      type: 'email_sent' as const, occurredAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000), source: 'bulk',
      actorUserId: actors[i % actors.length], dealId: openDeals[i % 2], accountId: null,
    }))
    await inTenant(tx => writeEvents(tx, tenantId, many))
    await database.db.execute(sql`analyze events`)
  })

  it('pages a deal\'s timeline newest first with a cursor, every event once', async () => {
    const seen: string[] = []
    let cursor: Key | undefined
    do {
      const page = await inTenant(tx => dealTimeline(tx, tenantId, openDeals[1]!, { limit: 400, cursor }))
      seen.push(...page.data.map(e => e.id))
      expect(page.data.map(e => e.occurredAt.getTime())).toEqual([...page.data.map(e => e.occurredAt.getTime())].sort((a, b) => b - a))
      cursor = decodeKey(page.nextCursor ?? undefined, 'timestamptz') ?? undefined
    } while (cursor)
    const total = (
      await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from events where deal_id = ${openDeals[1]}`)
    )[0]!.n
    expect(seen).toHaveLength(total)
    expect(new Set(seen).size).toBe(total)
  })

  /** The plan of a query built in the transaction (not awaited: awaiting a builder runs it). */
  const plan = (build: (tx: Tx) => SQLWrapper) => inTenant(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`)
    const query = build(tx)
    return (await queryRows<{ 'QUERY PLAN': string }>(tx, sql`explain ${query}`)).map(r => r['QUERY PLAN']).join('\n')
  })

  it('reads a deal\'s events through the (tenant, deal, time) index', async () => {
    const text = await plan(tx => dealTimelineQuery(tx, tenantId, openDeals[0]!, { limit: 50 }))
    expect(text).toMatch(/Index Scan( Backward)? using events_\w*(tenant_deal_time|deal_id_occurred_at)\w*/)
  })

  it('reads a later page of a deal\'s events through the same index (the cursor bounds the index scan)', async () => {
    const first = await inTenant(tx => dealTimeline(tx, tenantId, openDeals[0]!, { limit: 50 }))
    const cursor = decodeKey(first.nextCursor ?? undefined, 'timestamptz')!
    const text = await plan(tx => dealTimelineQuery(tx, tenantId, openDeals[0]!, { limit: 50, cursor }))
    expect(text).toMatch(/Index Scan( Backward)? using events_\w*(tenant_deal_time|deal_id_occurred_at)\w*/)
    expect(text).toMatch(/Index Cond: .*occurred_at/)
  })

  it('reads a user\'s events in a range through the (tenant, actor, time) index, on the months it needs only', async () => {
    const range = { limit: 50, from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-02T00:00:00Z') }
    const text = await plan(tx => userEventsQuery(tx, tenantId, rep.id, range))
    expect(text).toMatch(/Index Scan( Backward)? using events_\w*(tenant_actor_time|actor_user_id_occurred_at)\w*/)
    expect(text).toContain('events_2026_11')
    expect(text).not.toMatch(/events_2026_1[02]|events_default/)
  })
})

describe('the live feed', () => {
  const collect = async (handle: DatabaseHandle) => {
    const bus = new LocalBus()
    const received: BusMessage[] = []
    bus.subscribe(tenantId, m => received.push(m))
    return { received, stop: await bus.connect(handle) }
  }
  const settle = () => new Promise(resolve => setTimeout(resolve, 300))

  it('publishes stored events at commit, and nothing for a rolled-back transaction', async () => {
    const { received, stop } = await collect(database)
    await inTenant(tx => writeEvents(tx, tenantId, [{ type: 'note', occurredAt: new Date(), source: 'direct', dealId: openDeals[0] }]))
    await expect(inTenant(async (tx) => {
      await writeEvents(tx, tenantId, [{ type: 'note', occurredAt: new Date(), source: 'direct', dealId: openDeals[1] }])
      throw new Error('roll back')
    })).rejects.toThrow('roll back')
    await settle()
    await stop()
    expect(received).toEqual([
      {
        tenantId,
        topic: 'event.created',
        id: expect.any(String),
        data: expect.objectContaining({ count: 1, dealIds: [openDeals[0]], types: ['note'] }),
      },
    ])
  })

  it.runIf(Boolean(process.env.TEST_DATABASE_URL))('reaches every server process through LISTEN/NOTIFY (real Postgres)', async () => {
    const second = await openDatabase({ kind: 'postgres', url: database.url!, poolMax: 2 })
    const one = await collect(database)
    const two = await collect(second)
    await withTenant(second.db, tenantId, tx =>
      writeEvents(tx, tenantId, [{ type: 'call', occurredAt: new Date(), source: 'direct', dealId: openDeals[1] }]),
    )
    await settle()
    await one.stop()
    await two.stop()
    await second.close()
    for (const side of [one, two]) expect(side.received.map(m => m.data.dealIds)).toEqual([[openDeals[1]]])
  })
})
