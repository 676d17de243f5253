// npm run soak — load and soak: 100 signed-in dashboard users polling GET /api/v1/dashboard and a
// deal page's reads, beside 2,000 events/s of ingestion (POST /api/v1/events batches with unique
// externalIds, plus duplicates on purpose), for SOAK_SECONDS (default 300) against the built
// server on the real Postgres. Proves: no errors, no lost or duplicated events (the events table
// counted against what was sent and accepted), memory flat (the server's RSS sampled every 5 s).
import { readFileSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import { queryRows } from '../db/client'
import { withTenant } from '../server/domain/core/db'
import { createDeal } from '../server/domain/deals/records'
import { createAccount } from '../server/domain/records/accounts'
import { createContact } from '../server/domain/records/contacts'
import { createApiKey } from '../server/domain/tenancy/apiKeys'
import { createTenant, createUser } from '../server/domain/tenancy/tenants'
import { freshDatabase, report, startServer } from './lib'
import { Latencies, slopePerMinute, type Sample } from './soakStats'

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300)
const USERS = Number(process.env.SOAK_USERS ?? 100)
const EVENTS_PER_SECOND = Number(process.env.SOAK_EVENTS_PER_SECOND ?? 2000)
const BATCH = 500
const POLL_MS = Number(process.env.SOAK_POLL_MS ?? 5000)
/** One event in this many is a repeat of an event sent before (idempotency under load). */
const DUPLICATE_EVERY = 50
const PASSWORD = 'soak-password-2026'
const TYPES = ['email_sent', 'email_opened', 'email_received', 'call', 'meeting_held', 'note'] as const

console.log(
  `soak: ${SECONDS} s, ${USERS} dashboard users polling every ${POLL_MS / 1000} s, ${EVENTS_PER_SECOND} events/s in batches of ${BATCH}`,
)
const database = await freshDatabase('soak')
const { result } = await createTenant(database.db, { name: 'Soak Co', plan: 'enterprise' }, async (tx, t) => {
  const admin = await createUser(tx, t.id, { email: 'admin@soak.test', name: 'Admin', role: 'admin' })
  const actor = { tenantId: t.id, userId: admin.id }
  const key = await createApiKey(tx, actor, { name: 'soak', scopes: ['write'], ratePerMinute: 100_000 })
  return { tenantId: t.id, admin, key: key.key }
})
const { tenantId, key } = result!

// The users, each with deals and contacts of their own, created as in the app.
const reps: { email: string, dealIds: string[], contactIds: string[] }[] = []
for (let u = 0; u < USERS; u++) {
  reps.push(await withTenant(database.db, tenantId, async (tx) => {
    const user = await createUser(tx, tenantId, { email: `rep${u}@soak.test`, name: `Rep ${u}`, role: 'rep', password: PASSWORD })
    const actor = { tenantId, userId: user.id }
    const account = await createAccount(tx, actor, { name: `Account ${u}` })
    const contactIds = []
    for (let c = 0; c < 3; c++)
      contactIds.push(
        (await createContact(tx, actor, { firstName: `C${c}`, lastName: `R${u}`, email: `c${c}.r${u}@buyer.test`, accountId: account.id }))
          .id,
      )
    const dealIds = []
    for (let d = 0; d < 4; d++)
      dealIds.push((await createDeal(tx, actor, { name: `Deal ${u}-${d}`, amount: 1000 * (d + 1), accountId: account.id, contactIds })).id)
    return { email: `rep${u}@soak.test`, dealIds, contactIds }
  }))
}

const server = await startServer(database.url)
const pid = server.process.pid!
// Interrupted: take the server down with us.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.process.kill('SIGTERM')
    process.exit(130)
  })
}
const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
const latencies = new Latencies()
const errors: Record<string, number> = {}
const errorSamples: string[] = []
const fail = (what: string, detail: string) => {
  errors[what] = (errors[what] ?? 0) + 1
  if (errorSamples.length < 10) errorSamples.push(`${what}: ${detail.slice(0, 200)}`)
}

/** A request, timed and counted; answers the JSON or null after counting an error. */
async function call(what: string, path: string, init: RequestInit = {}) {
  const started = performance.now()
  try {
    const response = await fetch(`${server.url}${path}`, init)
    const text = await response.text()
    latencies.add(what, performance.now() - started)
    if (!response.ok) {
      fail(what, `${response.status} ${text}`)
      return null
    }
    return JSON.parse(text)
  }
  catch (error) {
    fail(what, (error as Error).message)
    return null
  }
}

// Sign everyone in (the session cookie, as the browser holds it).
const sessions = await Promise.all(reps.map(async (rep) => {
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'origin': server.url },
    body: JSON.stringify({ email: rep.email, password: PASSWORD }),
  })
  if (!response.ok) throw new Error(`login ${rep.email}: ${response.status}`)
  return { ...rep, cookie: response.headers.getSetCookie().map(c => c.split(';')[0]).join('; ') }
}))

const samples: Sample[] = []
const started = Date.now()
const until = started + SECONDS * 1000
const sample = () => samples.push({ at: (Date.now() - started) / 1000, rssMb: rssMb() })
sample()
const sampler = setInterval(sample, 5000)

// Ingestion: a batch every BATCH / EVENTS_PER_SECOND seconds on a fixed schedule (open loop, at
// most 8 in flight), every event new but one in DUPLICATE_EVERY, which repeats an earlier one.
let next = 0
let sentUnique = 0
let sentDuplicates = 0
let accepted = 0
let reportedDuplicates = 0
let lateBatches = 0
const inFlight = new Set<Promise<void>>()
/** The numbers of the events sent so far, and their times (a repeat carries its original's). */
const sentIds: number[] = []
const sentTimes = new Map<number, string>()
const MAX_IN_FLIGHT = 8
function batch() {
  // Repeats come from batches already answered (older than those in flight).
  const settled = sentIds.length - MAX_IN_FLIGHT * BATCH
  const events = Array.from({ length: BATCH }, (_, i) => {
    const repeat = (next + i) % DUPLICATE_EVERY === 0 && settled > 0
    const n = repeat ? sentIds[Math.floor(Math.random() * settled)]! : next + i
    const rep = reps[n % reps.length]!
    const occurredAt = sentTimes.get(n) ?? new Date(started - (n % 86_400) * 1000).toISOString()
    return {
      event: {
        type: TYPES[n % TYPES.length]!,
        occurredAt,
        source: 'soak',
        externalId: `soak-${n}`,
        subject: { dealId: rep.dealIds[n % 4]!, contactId: rep.contactIds[n % 3]! },
        metadata: { n },
      },
      n,
      repeat,
    }
  })
  for (const { event, n, repeat } of events) {
    if (repeat) continue
    sentIds.push(n)
    sentTimes.set(n, event.occurredAt)
  }
  next += BATCH
  const repeats = events.filter(e => e.repeat).length
  return { body: JSON.stringify({ events: events.map(e => e.event) }), unique: BATCH - repeats, repeats }
}
const ingestion = (async () => {
  const every = (BATCH / EVENTS_PER_SECOND) * 1000
  for (let tick = 0; Date.now() + every <= until; tick++) {
    const due = started + tick * every
    if (due > Date.now()) await new Promise(resolve => setTimeout(resolve, due - Date.now()))
    if (inFlight.size >= MAX_IN_FLIGHT) {
      lateBatches++
      await Promise.race(inFlight)
    }
    const { body, unique, repeats } = batch()
    sentUnique += unique
    sentDuplicates += repeats
    const request: Promise<void> = call('POST /api/v1/events', '/api/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': `Bearer ${key}` },
      body,
    })
      .then((answer) => {
        if (answer) {
          accepted += answer.inserted
          reportedDuplicates += answer.duplicates
        }
      })
      .finally(() => inFlight.delete(request))
    inFlight.add(request)
  }
  await Promise.all(inFlight)
})()

// Dashboard users: each polls its dashboard, and every other time opens one of its deals (the
// deal page's reads), starting at a random moment so the load is spread.
const readers = sessions.map(async (session, u) => {
  await new Promise(resolve => setTimeout(resolve, Math.random() * POLL_MS))
  for (let round = 0; Date.now() < until; round++) {
    const headers = { cookie: session.cookie }
    if (round % 2 === 0) await call('GET /api/v1/dashboard', '/api/v1/dashboard', { headers })
    else {
      const deal = session.dealIds[(round + u) % session.dealIds.length]!
      await Promise.all([
        call('GET /api/v1/deals/:id', `/api/v1/deals/${deal}`, { headers }),
        call('GET /api/v1/deals/:id/momentum', `/api/v1/deals/${deal}/momentum`, { headers }),
        call('GET /api/v1/deals/:id/timeline', `/api/v1/deals/${deal}/timeline?limit=25`, { headers }),
        call('GET /api/v1/pipeline/stages', '/api/v1/pipeline/stages', { headers }),
      ])
    }
    await new Promise(resolve => setTimeout(resolve, Math.max(0, Math.min(POLL_MS, until - Date.now()))))
  }
})
await Promise.all([ingestion, ...readers])
clearInterval(sampler)
sample()
const elapsed = (Date.now() - started) / 1000
await server.stop()

const [stored] = await queryRows<{ n: number, distinct: number }>(
  database.db,
  sql`select count(*)::int as n, count(distinct external_id)::int as distinct
    from events where tenant_id = ${tenantId} and source = 'soak'`,
)
await database.drop()

const rss = samples.map(s => s.rssMb)
// Memory is judged on the run's second half: the first fills V8's heap, the pools and the caches.
const steady = samples.filter(s => s.at >= elapsed / 2)
const slope = slopePerMinute(steady)
const slopeWhole = slopePerMinute(samples)
const errorCount = Object.values(errors).reduce((a, b) => a + b, 0)
const endpoints = latencies.table()
const figures = {
  seconds: Math.round(elapsed),
  eventsSentUnique: sentUnique,
  eventsSentDuplicates: sentDuplicates,
  eventsAccepted: accepted,
  duplicatesReported: reportedDuplicates,
  eventsStored: stored!.n,
  eventsStoredDistinct: stored!.distinct,
  ingestRate: Math.round(accepted / elapsed),
  lateBatches,
  errors: errorCount,
  rssFirstMb: Math.round(rss[0]!),
  rssPeakMb: Math.round(Math.max(...rss)),
  rssLastMb: Math.round(rss.at(-1)!),
  rssSlopeMbPerMin: Math.round(slope * 100) / 100,
  rssSlopeWholeRunMbPerMin: Math.round(slopeWhole * 100) / 100,
}
console.log(
  '\nevents: sent %d unique + %d duplicates; accepted %d, duplicates reported %d; stored %d (%d distinct)',
  sentUnique,
  sentDuplicates,
  accepted,
  reportedDuplicates,
  stored!.n,
  stored!.distinct,
)
console.log(
  'server RSS: first %d MB, peak %d MB, last %d MB; slope %s MB/min over the second half (%s over the whole run; %d samples)',
  figures.rssFirstMb,
  figures.rssPeakMb,
  figures.rssLastMb,
  figures.rssSlopeMbPerMin,
  figures.rssSlopeWholeRunMbPerMin,
  samples.length,
)
if (errorSamples.length) console.log('errors:', errors, '\n ', errorSamples.join('\n  '))
await report(
  'soak',
  endpoints,
  [
    { name: 'errors', value: errorCount, unit: 'requests', target: '0', pass: errorCount === 0 },
    {
      name: 'events lost',
      value: sentUnique - stored!.n,
      unit: 'events',
      target: '0 (stored = sent unique = accepted)',
      pass: stored!.n === sentUnique && accepted === sentUnique,
    },
    {
      name: 'events duplicated',
      value: stored!.n - stored!.distinct,
      unit: 'events',
      target: '0, every repeat reported as a duplicate',
      pass: stored!.n === stored!.distinct && reportedDuplicates === sentDuplicates,
    },
    {
      name: 'ingestion rate',
      value: figures.ingestRate,
      unit: 'events/s',
      target: `>= ${Math.round(EVENTS_PER_SECOND * 0.95)}`,
      pass: figures.ingestRate >= EVENTS_PER_SECOND * 0.95,
    },
    { name: 'server RSS slope over the second half', value: slope, unit: 'MB/min', target: '< 2 (flat)', pass: Math.abs(slope) < 2 },
  ],
  { figures, samples, errors },
)
if (![errorCount === 0, stored!.n === sentUnique, stored!.n === stored!.distinct, reportedDuplicates === sentDuplicates].every(Boolean))
  process.exitCode = 1
