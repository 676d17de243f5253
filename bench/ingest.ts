// npm run bench:ingest — events/s through POST /api/v1/events (5,000-event batches, over HTTP,
// against the built server on the real Postgres) beside a raw multi-row INSERT of the same rows
// (the ceiling). Target: >= 20,000 events/s through the endpoint.
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { withTenant } from '../server/domain/core/db'
import { createDeal } from '../server/domain/deals/records'
import { createAccount } from '../server/domain/records/accounts'
import { createContact } from '../server/domain/records/contacts'
import { createApiKey } from '../server/domain/tenancy/apiKeys'
import { createTenant, createUser } from '../server/domain/tenancy/tenants'
import { freshDatabase, report, startServer, timed } from './lib'

const BATCH = 5000
const BATCHES = Number(process.env.BENCH_INGEST_BATCHES ?? 40)
const CONCURRENCY = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 2)
const TYPES = ['email_sent', 'email_opened', 'email_received', 'call', 'meeting_held', 'note'] as const

const database = await freshDatabase('ingest')
const { tenant, result } = await createTenant(database.db, { name: 'Bench Co', plan: 'enterprise' }, async (tx, t) => {
  const user = await createUser(tx, t.id, { email: 'bench@bench.test', name: 'Bench', role: 'admin' })
  const actor = { tenantId: t.id, userId: user.id }
  const account = await createAccount(tx, actor, { name: 'Bench Account' })
  const contacts = []
  for (let i = 0; i < 50; i++)
    contacts.push(await createContact(tx, actor, { firstName: `C${i}`, email: `c${i}@buyer.test`, accountId: account.id }))
  const deals = []
  for (let i = 0; i < 200; i++) deals.push(await createDeal(tx, actor, { name: `Deal ${i}`, amount: 1000 + i, accountId: account.id }))
  const key = await createApiKey(tx, { ...actor, userId: user.id }, { name: 'bench', scopes: ['write'], ratePerMinute: 100_000 })
  return { user, contacts, deals, key: key.key }
})
const { user, contacts, deals, key } = result!

/** The same activity for both runs: `n` events over the last 30 days. */
function rows(n: number, offset: number) {
  return Array.from({ length: n }, (_, i) => {
    const k = offset + i
    return {
      type: TYPES[k % TYPES.length]!,
      occurredAt: new Date(Date.now() - (k % (30 * 24 * 60)) * 60_000).toISOString(),
      source: 'bench',
      externalId: `bench-${k}`,
      actor: { userId: user.id },
      subject: { dealId: deals[k % deals.length]!.id, contactId: contacts[k % contacts.length]!.id },
      metadata: { n: k },
    }
  })
}

const bodies = Array.from({ length: BATCHES }, (_, b) => JSON.stringify({ events: rows(BATCH, b * BATCH) }))
const total = BATCH * BATCHES
const server = await startServer(database.url)
let failures = 0

const http = await timed(async () => {
  let next = 0
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!
      const response = await fetch(`${server.url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'authorization': `Bearer ${key}` },
        body,
      })
      if (!response.ok) {
        failures++
        console.error(response.status, (await response.text()).slice(0, 300))
      }
      else await response.arrayBuffer()
    }
  }))
})
await server.stop()

// The ceiling: the same rows (fresh ids) by a raw multi-row INSERT, as the owner, no HTTP,
// no validation, no idempotency keys, no row-level security.
const RAW_ROWS = 1000 // rows per INSERT statement (10 parameters a row)
const raw = await timed(async () => {
  for (let offset = 0; offset < total; offset += RAW_ROWS) {
    const values = rows(RAW_ROWS, offset).map(
      e =>
        sql`(${tenant.id}::uuid, ${randomUUID()}::uuid, ${e.occurredAt}::timestamptz, ${e.type}, ${e.source}, ${`raw-${e.externalId}`},
          ${e.actor.userId}::uuid, ${e.subject.dealId}::uuid, ${e.subject.contactId}::uuid, ${JSON.stringify(e.metadata)}::jsonb)`,
    )
    await database.db.execute(
      sql`insert into events (tenant_id, id, occurred_at, type, source, external_id, actor_user_id, deal_id, contact_id, metadata)
        values ${sql.join(values, sql`, `)}`,
    )
  }
})

// The endpoint's own way of writing, without HTTP, validation, resolution or idempotency keys:
// one INSERT ... SELECT FROM json_to_recordset($1) per 5,000 rows.
const rawJson = await timed(async () => {
  for (let b = 0; b < BATCHES; b++) {
    const payload = JSON.stringify(
      rows(BATCH, b * BATCH).map(e => ({
        id: randomUUID(),
        occurred_at: e.occurredAt,
        type: e.type,
        external_id: `json-${e.externalId}`,
        actor_user_id: e.actor.userId,
        deal_id: e.subject.dealId,
        contact_id: e.subject.contactId,
        metadata: e.metadata,
      })),
    )
    await database.db
      .execute(sql`insert into events (tenant_id, id, occurred_at, type, source, external_id, actor_user_id, deal_id, contact_id, metadata)
      select ${tenant.id}::uuid, id, occurred_at, type, 'bench', external_id, actor_user_id, deal_id, contact_id, metadata
      from json_to_recordset(${payload}::json)
        as x(id uuid, occurred_at timestamptz, type text, external_id text, actor_user_id uuid, deal_id uuid, contact_id uuid,
             metadata jsonb)`)
  }
})

const [{ stored }] = (
  (await withTenant(database.db, tenant.id, tx =>
    tx.execute(sql`select count(*)::int as stored from events where source = 'bench' and external_id like 'bench-%'`),
  )) as unknown as { rows: [{ stored: number }] }
).rows
const httpRate = total / http.seconds
const rawRate = total / raw.seconds
const rawJsonRate = total / rawJson.seconds
await report(
  'ingest',
  [
    {
      'method': `POST /api/v1/events (HTTP, ${CONCURRENCY} at a time)`,
      'events': total,
      'seconds': +http.seconds.toFixed(2),
      'events/s': Math.round(httpRate),
    },
    {
      'method': `raw multi-row INSERT, ${RAW_ROWS} rows a statement`,
      'events': total,
      'seconds': +raw.seconds.toFixed(2),
      'events/s': Math.round(rawRate),
    },
    {
      'method': 'raw INSERT ... json_to_recordset, 5,000 rows a statement',
      'events': total,
      'seconds': +rawJson.seconds.toFixed(2),
      'events/s': Math.round(rawJsonRate),
    },
  ],
  [
    {
      name: 'ingestion through the HTTP endpoint',
      value: httpRate,
      unit: 'events/s',
      target: '>= 20,000',
      pass: httpRate >= 20_000 && failures === 0 && stored === total,
    },
    { name: 'HTTP / raw multi-row INSERT', value: httpRate / rawRate, unit: 'x', target: 'reported', pass: true },
    { name: 'HTTP / raw json_to_recordset INSERT', value: httpRate / rawJsonRate, unit: 'x', target: 'reported', pass: true },
  ],
  { batch: BATCH, batches: BATCHES, concurrency: CONCURRENCY, failures, stored },
)
await database.drop()
