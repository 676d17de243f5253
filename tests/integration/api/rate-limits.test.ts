import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminQuery, withDatabaseName } from '../../../db/admin'
import type { Client } from '../../support/http'
import { signUp } from '../../support/http'
import { startInstance, type Instance } from '../../support/instance'

// On a server of its own, with low webhook limits: the shared test server's callers all come
// from 127.0.0.1, and locking that address out would stop every other test. (Sign-in limits per
// address: signin-address.test.ts — failures from one address no longer lock valid users out.)
let app: Instance
let cleanup = async () => {}
let admin: Client
beforeAll(async () => {
  const env: Record<string, string> = { WEBHOOK_RATE_LIMIT: 'connection:5,address:12' }
  if (process.env.TEST_DATABASE_URL) {
    const name = `momentum_limits_${randomBytes(5).toString('hex')}`
    await adminQuery(process.env.TEST_DATABASE_URL, `create database ${name}`)
    env.DATABASE_URL = withDatabaseName(process.env.TEST_DATABASE_URL, name)
    cleanup = () => adminQuery(process.env.TEST_DATABASE_URL!, `drop database if exists ${name} with (force)`)
  }
  else {
    const dir = mkdtempSync(join(tmpdir(), 'momentum-limits-'))
    Object.assign(env, { DATABASE_URL: '', PGLITE_DIR: join(dir, 'pglite') })
    cleanup = async () => rmSync(dir, { recursive: true, force: true })
  }
  app = await startInstance(env)
  admin = (await signUp(app.url)).client
})
afterAll(async () => {
  await app?.stop()
  await cleanup()
})

const post = (path: string) => fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })

describe('rate limits', () => {
  it('answers 429 with Retry-After to a webhook connection past its limit, before verifying anything, '
    + 'and counts each connection apart', async () => {
    const one = (await admin.post('/api/v1/integrations/email', { provider: 'mailgun', verification: { signingKey: 'k'.repeat(32) } })).body
    const two = (await admin.post('/api/v1/integrations/email', { provider: 'mailgun', verification: { signingKey: 'q'.repeat(32) } })).body
    const path = (c: { webhookUrl: string }) => c.webhookUrl.replace(/^https?:\/\/[^/]+/, '')
    const statuses = []
    for (let i = 0; i < 6; i++) statuses.push((await post(path(one))).status)
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429])
    const limited = await post(path(one))
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect((await limited.json()).statusMessage).toMatch(/too many webhook requests/)
    expect((await post(path(two))).status).toBe(401)
  })

  it('answers 429 to an address past its limit for one webhook kind, '
    + 'while its Stripe and other email webhooks still get through', async () => {
    // 8 mailgun tracking requests were made above from this address; the address limit is 12 a kind.
    const statuses = []
    for (let i = 0; i < 13; i++) statuses.push((await post(`/api/webhooks/email/inbound/${crypto.randomUUID()}`)).status)
    expect(statuses).toEqual([...Array<number>(12).fill(404), 429])
    const stripe = []
    for (let i = 0; i < 13; i++) stripe.push((await post('/api/webhooks/stripe')).status)
    expect(stripe).toEqual([...Array<number>(12).fill(404), 429]) // 404: this instance has no Stripe configured
    expect((await post(`/api/webhooks/email/postmark/${crypto.randomUUID()}`)).status).toBe(404)
    expect((await post(`/api/webhooks/email/inbound/${crypto.randomUUID()}`)).status).toBe(429)
    // The app itself is not limited by it.
    expect((await admin.get('/api/v1/deals')).status).toBe(200)
  })
})
