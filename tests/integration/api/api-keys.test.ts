import { beforeAll, describe, expect, inject, it } from 'vitest'
import { Client, signUp, type Json } from '../../support/http'
import { routeFiles } from '../../support/routes'
import { subscribe } from '../../support/stripe'

const baseURL = inject('baseURL')
const ID = '5b2a4c3e-0000-4000-8000-000000000000'

/** A concrete path for a route file's pattern: every `[param]` a well-formed id (or word) nobody owns. */
const concrete = (pattern: string) => pattern.replace(/\[(\w+)\]/g, (_, name: string) => (name === 'id' ? ID : 'x'))

let admin: Client
async function keyClient(scopes: string[], extra: Record<string, unknown> = {}) {
  const created = await admin.post('/api/v1/api-keys', { name: `key ${scopes.join(' ')}`, scopes, ...extra })
  expect(created.status).toBe(201)
  return { id: created.body.id as string, client: new Client(baseURL, { authorization: `Bearer ${created.body.key}` }) }
}

beforeAll(async () => {
  const signedUp = await signUp(baseURL)
  admin = signedUp.client
  // API keys come with every paid plan: pro is enough.
  await subscribe(baseURL, signedUp.tenant.id, 'pro_monthly')
})

describe('API key scopes', () => {
  it('refuses a read-scoped key with 403 scope_required on every write route of the route table', async () => {
    const { client } = await keyClient(['read'])
    const writes = routeFiles().filter(route => !route.startsWith('GET '))
    expect(writes.length).toBeGreaterThan(40)
    const refused: string[] = []
    for (const route of writes) {
      const [method, pattern] = route.split(' ') as [string, string]
      const answer = await client.request(method, concrete(pattern), {})
      const scopeRefusal = answer.status === 403 && answer.body?.data?.error === 'scope_required'
      if (scopeRefusal && /:write$/.test(answer.body.data.scope)) refused.push(route)
    }
    expect(refused).toEqual(writes)
  })

  it('lets a read-scoped key read every GET route (no scope refusal)', async () => {
    const { client } = await keyClient(['read'])
    const reads = routeFiles().filter(route => route.startsWith('GET ') && !route.endsWith('/stream'))
    const refused: string[] = []
    for (const route of reads) {
      const answer = await client.get(concrete(route.slice(4)))
      if (answer.body?.data?.error === 'scope_required') refused.push(route)
    }
    expect(refused).toEqual([])
  })

  it('keeps an area key to its area: contacts:read reads contacts, not deals; deals:write reads and writes deals only', async () => {
    const contacts = (await keyClient(['contacts:read'])).client
    expect((await contacts.get('/api/v1/contacts')).status).toBe(200)
    const deals = await contacts.get('/api/v1/deals')
    expect(deals.status).toBe(403)
    expect(deals.body.data).toEqual({ error: 'scope_required', scope: 'deals:read' })
    const write = await contacts.post('/api/v1/contacts', { firstName: 'A', lastName: 'B' })
    expect(write.body.data).toEqual({ error: 'scope_required', scope: 'contacts:write' })

    const writer = (await keyClient(['deals:write'])).client
    expect((await writer.get('/api/v1/deals')).status).toBe(200)
    // Past the scope check, the route validates the body as usual.
    const badDeal = await writer.post('/api/v1/deals', {})
    expect(badDeal.status).toBe(400)
    const account = await writer.post('/api/v1/accounts', { name: 'Initech' })
    expect(account.body.data).toEqual({ error: 'scope_required', scope: 'contacts:write' })
    expect((await writer.get('/api/v1/events')).body.data).toEqual({ error: 'scope_required', scope: 'events:read' })
  })

  it('lets a key call /api/v1 only: the account and sign-in routes refuse it', async () => {
    const { client } = await keyClient(['write'])
    expect((await client.get('/api/v1/contacts')).status).toBe(200)
    const me = await client.get('/api/auth/me')
    expect(me.status).toBe(403)
  })

  it('refuses unknown scopes, no scopes and a past expiry with 400 naming the field', async () => {
    const unknown = await admin.post('/api/v1/api-keys', { name: 'x', scopes: ['deals:delete'] })
    expect(unknown.status).toBe(400)
    expect(unknown.body.data.issues[0].path).toBe('scopes.0')
    const none = await admin.post('/api/v1/api-keys', { name: 'x', scopes: [] })
    expect(none.body.data.issues[0].path).toBe('scopes')
    const past = await admin.post('/api/v1/api-keys', { name: 'x', scopes: ['read'], expiresAt: '2020-01-01T00:00:00Z' })
    expect(past.status).toBe(400)
    expect(past.body.data.issues[0].path).toBe('expiresAt')
    const rate = await admin.post('/api/v1/api-keys', { name: 'x', scopes: ['read'], ratePerMinute: 0 })
    expect(rate.body.data.issues[0].path).toBe('ratePerMinute')
  })
})

describe('API key expiry, last use and rate', () => {
  it('stops an expired key with 401, and lists scopes, expiry, rate and the last use', async () => {
    const expiresAt = new Date(Date.now() + 2_000).toISOString()
    const { id, client } = await keyClient(['deals:read', 'contacts:write'], { expiresAt, ratePerMinute: 50 })
    expect((await client.get('/api/v1/deals')).status).toBe(200)
    const listed = (await admin.get('/api/v1/api-keys')).body.data.find((k: Json) => k.id === id)
    expect(listed).toMatchObject({ scopes: ['deals:read', 'contacts:write'], ratePerMinute: 50, expiresAt })
    expect(listed.lastUsedAt).not.toBeNull()
    await new Promise(resolve => setTimeout(resolve, 2_300))
    expect((await client.get('/api/v1/deals')).status).toBe(401)
  })

  it('answers 429 with Retry-After once a key passes its rate, and counts each key apart', async () => {
    // Four calls in one fixed minute: start early enough in a minute not to straddle two.
    const second = new Date().getUTCSeconds()
    if (second > 50) await new Promise(resolve => setTimeout(resolve, (61 - second) * 1000))
    const { client } = await keyClient(['read'], { ratePerMinute: 3 })
    const other = (await keyClient(['read'], { ratePerMinute: 3 })).client
    for (let i = 0; i < 3; i++) expect((await client.get('/api/v1/deals')).status).toBe(200)
    const over = await client.get('/api/v1/deals')
    expect(over.status).toBe(429)
    const retryAfter = Number(over.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect((await other.get('/api/v1/deals')).status).toBe(200)
  })
})
