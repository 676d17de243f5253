import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminQuery, withDatabaseName } from '../../db/admin'
import { openDatabase, type DatabaseHandle } from '../../db/client'
import { loadMigrations, migrate } from '../../db/migrate'
import { seedDemo } from '../../server/domain/demo/seed'
import { runTask } from '../../server/domain/jobs/registry'
import { Client, signUp } from '../support/http'
import { startInstance, type Instance } from '../support/instance'
import { deliver, stripeEvent, subscribe, subscription, WEBHOOK_SECRET } from '../support/stripe'
import { startStripeMock } from '../support/stripe-mock'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy'

// Faults on the real Postgres: the app's database connection cut while a statement runs (a
// 5,000-event batch, an import batch, a webhook's transaction), Stripe unreachable, and the
// momentum task's process killed mid-run. Each time: nothing half-written, and a retry completes.
const serverUrl = process.env.TEST_DATABASE_URL
const target = serverUrl ? new URL(serverUrl) : null

describe.skipIf(!serverUrl)('faults', () => {
  const name = `momentum_faults_${randomBytes(5).toString('hex')}`
  const dbUrl = serverUrl ? withDatabaseName(serverUrl, name) : ''
  let proxy: TcpProxy
  let app: Instance
  let stripe: Awaited<ReturnType<typeof startStripeMock>>
  let admin: pg.Pool
  let integration: Client
  let tenantId: string
  let dealId: string
  const rows = async (sql: string, params: unknown[] = []) => (await admin.query(sql, params)).rows

  beforeAll(async () => {
    await adminQuery(serverUrl!, `create database ${name}`)
    proxy = await startTcpProxy({ host: target!.hostname, port: Number(target!.port || 5432) })
    stripe = await startStripeMock()
    app = await startInstance({
      DATABASE_URL: proxy.url(dbUrl), DATABASE_POOL_MAX: '4',
      STRIPE_SECRET_KEY: 'sk_test_momentum_local', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_HOST: '127.0.0.1', STRIPE_API_PORT: String(stripe.port), STRIPE_API_PROTOCOL: 'http',
    })
    admin = new pg.Pool({ connectionString: dbUrl, max: 2 })
    const signedUp = await signUp(app.url)
    tenantId = signedUp.tenant.id
    await subscribe(app.url, tenantId)
    const key = (await signedUp.client.post('/api/v1/api-keys', { name: 'faults', scopes: ['read', 'write'] })).body.key
    integration = new Client(app.url, { authorization: `Bearer ${key}` })
    dealId = (await integration.post('/api/v1/deals', { name: 'Fault deal', amount: 1000 })).body.id
    expect(dealId).toBeTruthy()
  })

  afterAll(async () => {
    await app?.stop()
    await proxy?.close()
    await stripe?.close()
    await admin?.end()
    if (serverUrl) await adminQuery(serverUrl, `drop database if exists ${name} with (force)`)
  })

  it('a 5,000-event batch whose connection drops mid-INSERT stores none of it (503, retryable); the retry stores it once', async () => {
    const batch = {
      events: Array.from({ length: 5000 }, (_, i) => ({
        type: 'note',
        occurredAt: new Date(Date.now() - i * 1000).toISOString(),
        source: 'faults',
        externalId: `batch-${i}`,
        subject: { dealId },
        metadata: { i },
      })),
    }
    const cut = proxy.cutOn('insert into events')
    const failed = await integration.post('/api/v1/events', batch)
    await cut
    expect(failed.status).toBe(503)
    expect(failed.body.data).toEqual({ error: 'database_unavailable', retryable: true })
    expect(await rows(`select count(*)::int as n from events where tenant_id = $1 and source = 'faults'`, [tenantId])).toEqual([{ n: 0 }])
    expect(await rows(`select count(*)::int as n from event_keys where tenant_id = $1 and source = 'faults'`, [tenantId])).toEqual([
      { n: 0 },
    ])

    expect((await integration.post('/api/v1/events', batch)).body).toEqual({ inserted: 5000, duplicates: 0 })
    expect((await integration.post('/api/v1/events', batch)).body).toEqual({ inserted: 0, duplicates: 5000 })
    expect(
      await rows(
        `select count(*)::int as n, count(distinct external_id)::int as d from events where tenant_id = $1 and source = 'faults'`,
        [tenantId],
      ),
    ).toEqual([{ n: 5000, d: 5000 }])
  })

  it('an import whose connection drops in its third batch keeps the two committed batches whole and says it failed; '
    + 'running it again completes it without duplicates', async () => {
    const csv = `externalId,name\n${Array.from({ length: 2000 }, (_, i) => `acc-${i},Fault Account ${i}`).join('\n')}\n`
    const upload = () =>
      integration.upload(
        '/api/v1/imports',
        { kind: 'accounts', mapping: JSON.stringify({ externalId: 'externalId', name: 'name' }) },
        { name: 'accounts.csv', content: csv },
      )
    const settled = async (id: string) => {
      for (let i = 0; i < 200; i++) {
        const view = (await integration.get(`/api/v1/imports/${id}`)).body
        if (view.status === 'done' || view.status === 'failed') return view
        await new Promise(resolve => setTimeout(resolve, 100))
      }
      throw new Error(`the import did not settle: ${JSON.stringify((await integration.get(`/api/v1/imports/${id}`)).body).slice(0, 600)}`)
    }
    const cut = proxy.cutOn('insert into "accounts"', 3)
    const started = await upload()
    expect(started.status).toBe(202)
    await cut
    const failed = await settled(started.body.id)
    expect(failed).toMatchObject({ status: 'failed', rowsTotal: 2000, rowsDone: 1000, created: 1000 })
    expect(failed.failure).toMatch(/database is unavailable/)
    expect(await rows(`select count(*)::int as n from accounts where tenant_id = $1 and external_id like 'acc-%'`, [tenantId])).toEqual([
      { n: 1000 },
    ])

    const again = await settled((await upload()).body.id)
    expect(again).toMatchObject({ status: 'done', rowsDone: 2000, created: 1000, updated: 0, errorCount: 0 })
    expect(
      await rows(
        `select count(*)::int as n, count(distinct external_id)::int as d from accounts where tenant_id = $1 and external_id like 'acc-%'`,
        [tenantId],
      ),
    ).toEqual([{ n: 2000, d: 2000 }])
  })

  it('a Stripe webhook whose connection drops mid-transaction leaves neither its effect nor its "handled" mark; '
    + 'the redelivery applies it once', async () => {
    const other = await signUp(app.url)
    const event = stripeEvent(
      'customer.subscription.created',
      subscription({ tenantId: other.tenant.id, customer: `cus_${randomBytes(4).toString('hex')}`, lookupKey: 'pro_monthly' }),
    )
    const cut = proxy.cutOn('update "tenant_billing"')
    const failed = await deliver(app.url, event)
    await cut
    expect(failed.status).toBe(503)
    expect(await rows(`select count(*)::int as n from stripe_events where id = $1`, [event.id])).toEqual([{ n: 0 }])
    expect(await rows(`select plan from tenants where id = $1`, [other.tenant.id])).toEqual([{ plan: 'free' }])

    expect(await deliver(app.url, event)).toMatchObject({ status: 200, body: { outcome: 'applied' } })
    expect(await deliver(app.url, event)).toMatchObject({ status: 200, body: { outcome: 'duplicate' } })
    expect(await rows(`select plan from tenants where id = $1`, [other.tenant.id])).toEqual([{ plan: 'pro' }])
  })

  it('keeps working from local state while Stripe is down: reads, writes, plan gates both ways, webhooks; '
    + 'only checkout says it cannot reach billing', async () => {
    const free = await signUp(app.url)
    const session = await signUp(app.url)
    await subscribe(app.url, session.tenant.id)
    await fetch(`${stripe.url}/__outage`, { method: 'POST', body: JSON.stringify({ down: true }) })
    try {
      expect((await session.client.get('/api/v1/dashboard')).status).toBe(200)
      expect((await session.client.post('/api/v1/deals', { name: 'Made during the outage', amount: 10 })).status).toBe(201)
      expect((await session.client.get('/api/v1/api-keys')).status).toBe(200) // enterprise, from local tables
      expect((await free.client.get('/api/v1/api-keys')).status).toBe(402) // and nobody let in
      expect((await session.client.get('/api/v1/billing')).body).toMatchObject({ plan: 'enterprise', status: 'active' })
      // Stripe's webhooks need no call back to Stripe: a plan change still lands.
      expect(await subscribe(app.url, free.tenant.id, 'pro_monthly')).toBeTruthy()
      expect((await free.client.get('/api/v1/forecast?period=2026-Q4')).status).toBe(200)
      const checkout = await free.client.post('/api/v1/billing/checkout', { plan: 'enterprise' })
      expect(checkout.status).toBe(502)
      expect(checkout.body.statusMessage).toMatch(/billing provider cannot be reached/)
    }
    finally {
      await fetch(`${stripe.url}/__outage`, { method: 'POST', body: JSON.stringify({ down: false }) })
    }
  })
})

describe.skipIf(!serverUrl)('the momentum task killed mid-run', () => {
  const name = `momentum_kill_${randomBytes(5).toString('hex')}`
  const dbUrl = serverUrl ? withDatabaseName(serverUrl, name) : ''
  let handle: DatabaseHandle
  let raw: pg.Pool
  let proxy: TcpProxy
  const count = async (sql: string) => Number((await raw.query(sql)).rows[0].n)

  beforeAll(async () => {
    await adminQuery(serverUrl!, `create database ${name}`)
    handle = await openDatabase({ kind: 'postgres', url: dbUrl, poolMax: 3 })
    await migrate(handle.db, await loadMigrations('db/migrations'))
    await seedDemo(handle.db)
    raw = new pg.Pool({ connectionString: dbUrl, max: 2 })
    // Forget the seed's alerts and say every deal was accelerating: the next run has every score
    // to rewrite and, alerts firing on change only, a state alert for each deal that turned.
    await raw.query(`delete from alerts; update deal_scores set state = 'accelerating'`)
    proxy = await startTcpProxy({ host: target!.hostname, port: Number(target!.port || 5432) })
  }, 180_000)

  afterAll(async () => {
    await proxy?.close()
    await raw?.end()
    await handle?.close()
    if (serverUrl) await adminQuery(serverUrl, `drop database if exists ${name} with (force)`)
  })

  it('leaves no score or alert of the killed run; the next run completes; no alert is ever duplicated', async () => {
    const scores = `select coalesce(md5(string_agg(deal_id::text || state::text || score::text, ',' order by deal_id)), '') as n `
      + `from deal_scores`
    const scoresBefore = (await raw.query(scores)).rows[0].n as string
    const held = proxy.holdOn('insert into alerts')
    const task = spawn(process.execPath, ['--import', 'tsx', 'scripts/task.ts', 'momentum:refresh', '--', '--full'], {
      env: { ...process.env, DATABASE_URL: proxy.url(dbUrl) }, stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    task.stdout!.on('data', (chunk: Buffer) => (output += chunk))
    task.stderr!.on('data', (chunk: Buffer) => (output += chunk))
    const exited = new Promise(resolve => task.once('exit', (code, signal) => resolve(signal ?? code)))
    await Promise.race([held, exited.then(() => {
      throw new Error(`the task ended before writing alerts: ${output}`)
    })])
    // Scores are written, alerts being sent: the process dies here, its transaction never commits.
    task.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    proxy.cutAll()
    for (
      let i = 0;
      i < 50
      && (await count(
        `select count(*) as n from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid() and state <> 'idle'`,
      )) > 0;
      i++
    )
      await new Promise(r => setTimeout(r, 100))
    expect(await count('select count(*) as n from alerts')).toBe(0)
    expect((await raw.query(scores)).rows[0].n).toBe(scoresBefore)

    const [next] = await runTask(handle.db, 'momentum:refresh', { full: true })
    expect(next).toMatchObject({ status: 'done' })
    expect(next!.touched).toBeGreaterThan(100)
    const alerts = await count('select count(*) as n from alerts')
    expect(alerts).toBeGreaterThan(0)
    expect(
      await count('select count(*) as n from (select 1 from alerts group by tenant_id, deal_id, kind, occurrence having count(*) > 1) d'),
    ).toBe(0)

    await runTask(handle.db, 'momentum:refresh', { full: true })
    expect(await count('select count(*) as n from alerts')).toBe(alerts)
  }, 120_000)
})
