import { randomBytes } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { notifications, webhookSubscriptions } from '../../db/schema'
import { withTenant, type Tx } from '../../server/domain/core/db'
import { createDeal } from '../../server/domain/deals/records'
import { writeEvents } from '../../server/domain/events/write'
import { runTask } from '../../server/domain/jobs/registry'
import { createTenant, createUser } from '../../server/domain/tenancy/tenants'
import { verifySignature } from '../../server/domain/webhooks/sign'
import { createSubscription, deleteSubscription, deliveryLog } from '../../server/domain/webhooks/subscriptions'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { startReceiver } from '../support/receiver'

const NOW = new Date()
const at = (ms: number) => new Date(NOW.getTime() + ms)
const MIN = 60_000

let database: TestDatabase
let tenantId: string
let admin: string
let dealId: string
const inTenant = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(database.db, tenantId, fn)
const task = (name: 'automation:run' | 'webhooks:deliver', now: Date) =>
  runTask(database.db, name, { tenantId, now, mailer: null, webhooks: { allowPrivate: true } })
const subscribe = (url: string, events: string[]) =>
  inTenant(tx => createSubscription(tx, { tenantId, userId: admin }, { url, events: events as never }, { allowPrivate: true }))
const note = (when: Date) =>
  inTenant(tx =>
    writeEvents(tx, tenantId, [
      { type: 'note', occurredAt: when, source: 'direct', dealId, actorUserId: admin, metadata: { body: 'hello' } },
    ]),
  )

beforeAll(async () => {
  // Secrets are sealed at rest with ENCRYPTION_KEY.
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString('hex')
  database = await createTestDatabase()
  const made = await createTenant(database.db, { name: 'Hooks Co' }, async (tx, t) => {
    const user = await createUser(tx, t.id, { email: 'ada@hooks.test', name: 'Ada Admin', role: 'admin' })
    const deal = await createDeal(tx, { tenantId: t.id, userId: user.id }, { name: 'Hooked', amount: 1 })
    return { admin: user.id, deal: deal.id }
  })
  tenantId = made.tenant.id
  admin = made.result!.admin
  dealId = made.result!.deal
})
afterAll(() => database.close())

describe('outbound webhooks', () => {
  it('a receiver that fails twice then succeeds gets the delivery once, correctly signed; the log shows 500, 500, 200', async () => {
    const receiver = await startReceiver([500, 500, 200])
    const sub = await subscribe(receiver.url, ['note'])
    expect(sub.secret).toMatch(/^whsec_/)
    const stored = await inTenant(tx =>
      tx.select({ secret: webhookSubscriptions.secret }).from(webhookSubscriptions).where(eq(webhookSubscriptions.id, sub.id)),
    )
    expect(stored[0]!.secret).not.toContain(sub.secret)
    await note(NOW)
    await task('automation:run', at(1000))
    await task('webhooks:deliver', at(2000))
    await task('webhooks:deliver', at(30_000)) // not due yet: backoff
    await task('webhooks:deliver', at(2000 + MIN + 1000))
    await task('webhooks:deliver', at(2000 + 3 * MIN + 2000))
    await task('webhooks:deliver', at(2 * 3_600_000))
    await receiver.close()
    expect(receiver.requests.map(r => r.answered)).toEqual([500, 500, 200])
    const success = receiver.requests[2]!
    const payload = JSON.parse(success.body)
    expect(payload).toMatchObject({ type: 'note', data: { type: 'note', dealId, metadata: { body: 'hello' } } })
    expect(success.headers['momentum-event']).toBe('note')
    for (const r of receiver.requests) {
      const t = Number(/t=(\d+)/.exec(String(r.headers['momentum-signature']))![1]) * 1000
      expect(verifySignature(sub.secret, r.body, String(r.headers['momentum-signature']), new Date(t))).toBe(true)
      expect(verifySignature('whsec_wrong', r.body, String(r.headers['momentum-signature']), new Date(t))).toBe(false)
    }
    const [delivery] = await inTenant(tx => deliveryLog(tx, tenantId, sub.id))
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200 })
    expect(delivery!.log.map(a => a.statusCode)).toEqual([500, 500, 200])
    await inTenant(tx => deleteSubscription(tx, tenantId, sub.id))
  })

  it('retries a failing receiver with backoff for a day, then fails the delivery, '
    + 'disables the subscription and tells the admins', async () => {
    const receiver = await startReceiver([503])
    const sub = await subscribe(receiver.url, ['*'])
    const start = at(3 * 3_600_000)
    await note(start)
    await task('automation:run', start)
    let clock = start.getTime()
    for (let i = 0; i < 54; i++) {
      await task('webhooks:deliver', new Date(clock))
      clock += 30 * MIN
    }
    await receiver.close()
    const [delivery] = await inTenant(tx => deliveryLog(tx, tenantId, sub.id))
    expect(delivery!.status).toBe('failed')
    const gaps = delivery!.log.slice(1).map((a, i) => new Date(a.at).getTime() - new Date(delivery!.log[i]!.at).getTime())
    expect(gaps.every((gap, i) => i === 0 || gap >= gaps[i - 1]!)).toBe(true)
    expect(new Date(delivery!.log.at(-1)!.at).getTime() - start.getTime()).toBeGreaterThanOrEqual(24 * 3_600_000 - 30 * MIN)
    const [off] = await inTenant(tx => tx.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, sub.id)))
    expect(off).toMatchObject({ active: false })
    const told = await inTenant(tx =>
      tx
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, admin), eq(notifications.kind, 'webhook_disabled'))),
    )
    expect(told).toHaveLength(1)
  })

  it('connects to the address checked, never looking the host up again (no DNS rebinding): '
    + 'the loopback answer the host would give now is not used', async () => {
    const receiver = await startReceiver([200])
    // `localhost` is what a second lookup would answer; the one lookup made, checked and connected to, answers a public address.
    const url = receiver.url.replace('127.0.0.1', 'localhost')
    let lookups = 0
    const looksPublic = async () => (lookups++, ['93.184.216.34'])
    const sub = await inTenant(tx =>
      createSubscription(tx, { tenantId, userId: admin }, { url, events: ['call'] }, { allowPrivate: false, resolve: looksPublic }),
    )
    lookups = 0
    await inTenant(tx => writeEvents(tx, tenantId, [{ type: 'call', occurredAt: NOW, source: 'direct', dealId, actorUserId: admin }]))
    await task('automation:run', at(1000))
    await runTask(database.db, 'webhooks:deliver', {
      tenantId,
      now: at(2000),
      mailer: null,
      webhooks: { allowPrivate: false, resolve: looksPublic, timeoutMs: 300 },
    })
    await receiver.close()
    expect(receiver.requests).toHaveLength(0)
    expect(lookups).toBe(1)
    const [delivery] = await inTenant(tx => deliveryLog(tx, tenantId, sub.id))
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null })
    expect(['timeout', 'network_error', 'connection_refused']).toContain(delivery!.log.at(-1)!.error)
    await inTenant(tx => deleteSubscription(tx, tenantId, sub.id))
  })

  it('refuses an IPv4-mapped IPv6 loopback URL at creation with 400 naming url', async () => {
    const receiver = await startReceiver([200])
    const port = new URL(receiver.url).port
    for (const url of [
      `http://[::ffff:127.0.0.1]:${port}/hooks`,
      `http://[::ffff:7f00:1]:${port}/hooks`,
      'http://[::ffff:a9fe:a9fe]/latest',
      'http://[::ffff:10.0.0.1]/x',
      'http://2130706433/x',
    ]) {
      await expect(
        inTenant(tx => createSubscription(tx, { tenantId, userId: admin }, { url, events: ['note'] }, { allowPrivate: false })),
        url,
      ).rejects.toMatchObject({
        statusCode: 400,
        data: { issues: [{ path: 'url', message: expect.stringMatching(/private or loopback/) }] },
      })
    }
    await receiver.close()
    expect(receiver.requests).toHaveLength(0)
  })

  it('never delivers to an IPv4-mapped IPv6 loopback target stored past the creation check, '
    + 'and logs blocked_address, not the network error', async () => {
    const receiver = await startReceiver([200])
    const port = new URL(receiver.url).port
    const sub = await subscribe(receiver.url, ['email_sent'])
    await inTenant(tx =>
      tx
        .update(webhookSubscriptions)
        .set({ url: `http://[::ffff:127.0.0.1]:${port}/hooks` })
        .where(eq(webhookSubscriptions.id, sub.id)),
    )
    await inTenant(tx => writeEvents(tx, tenantId, [{ type: 'email_sent', occurredAt: NOW, source: 'direct', dealId, actorUserId: admin }]))
    await task('automation:run', at(1000))
    await runTask(database.db, 'webhooks:deliver', { tenantId, now: at(2000), mailer: null, webhooks: { allowPrivate: false } })
    await receiver.close()
    expect(receiver.requests).toHaveLength(0)
    const [delivery] = await inTenant(tx => deliveryLog(tx, tenantId, sub.id))
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null, lastError: 'blocked_address' })
    expect(delivery!.log.map(a => a.error)).toEqual(['blocked_address'])
    await inTenant(tx => deleteSubscription(tx, tenantId, sub.id))
  })

  it('logs a refused connection as connection_refused, not the socket error text (no port-scan oracle)', async () => {
    const receiver = await startReceiver([200])
    await receiver.close() // nothing listens on its port now
    const sub = await subscribe(receiver.url, ['meeting_held'])
    await inTenant(tx =>
      writeEvents(tx, tenantId, [{ type: 'meeting_held', occurredAt: NOW, source: 'direct', dealId, actorUserId: admin }]),
    )
    await task('automation:run', at(1000))
    await task('webhooks:deliver', at(2000))
    const [delivery] = await inTenant(tx => deliveryLog(tx, tenantId, sub.id))
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastError: 'connection_refused' })
    expect(JSON.stringify(delivery)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|socket/)
    await inTenant(tx => deleteSubscription(tx, tenantId, sub.id))
  })

  it('refuses private and loopback targets unless private targets are allowed', async () => {
    const create = (url: string, resolve?: (h: string) => Promise<string[]>) =>
      inTenant(tx => createSubscription(tx, { tenantId, userId: admin }, { url, events: ['note'] }, { allowPrivate: false, resolve }))
    await expect(create('http://127.0.0.1:9/x')).rejects.toMatchObject({ statusCode: 400, data: { issues: [{ path: 'url' }] } })
    await expect(create('http://[::1]/x')).rejects.toMatchObject({ statusCode: 400 })
    await expect(create('https://hooks.example.test/x', async () => ['93.184.216.34', '10.1.2.3'])).rejects.toMatchObject({
      data: { issues: [{ path: 'url', message: 'resolves to a private or loopback address (10.1.2.3)' }] },
    })
    await expect(create('https://hooks.example.test/x', async () => ['93.184.216.34'])).resolves.toMatchObject({
      url: 'https://hooks.example.test/x',
    })
  })
})
