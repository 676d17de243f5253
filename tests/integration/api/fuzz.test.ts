import { createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'
import fc from 'fast-check'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { changed, fingerprint, type Fingerprint } from '../../support/fingerprint'
import {
  anyJson,
  badQuery,
  badSegment,
  defectiveBody,
  endpointsOf,
  expectClearRefusal,
  extremeQuery,
  FUZZ,
  nonJsonBody,
  randomBody,
  rawBadBody,
  validBody,
  type Endpoint,
  type JsonSchema,
} from '../../support/fuzz'
import type { Client, Answer, Json } from '../../support/http'
import { signUp } from '../../support/http'
import { routeFiles } from '../../support/routes'
import { subscribe, WEBHOOK_SECRET } from '../../support/stripe'

// Property-based tests of every route's input handling: whatever arrives — malformed JSON, wrong
// types, missing fields, huge strings, deep nesting, invalid UTF-8, unknown fields, junk ids and
// queries, unsigned or signed-but-meaningless webhooks — the answer is a 4xx that says what is
// wrong, never a 5xx, and a refused request writes nothing (the tenant's fingerprint is unchanged).
// The /api/v1 routes and their schemas come from the served OpenAPI document, so a route added
// later is fuzzed without editing this file; the guard below fails for a route that is neither
// fuzzed nor exempted here with a reason.

const baseURL = inject('baseURL')
const databaseURL = inject('databaseURL')
fc.configureGlobal({ seed: FUZZ.seed, numRuns: FUZZ.numRuns, endOnFailure: true })
// ~20 s alone; more when the machine is busy with the other test files.
vi.setConfig({ testTimeout: 180_000 })

/** Routes not fuzzed, and why. */
const EXEMPT: Record<string, string> = {
  'GET /api/v1/stream': 'Server-Sent Events: the answer never ends; it takes no input but the session (tested in dashboard.test.ts)',
  'GET /api/health': 'takes no input',
  'GET /api/openapi.json': 'takes no input',
  'GET /api/auth/me': 'takes no input but the session cookie',
  'POST /api/auth/mfa/totp': 'takes no input but the session cookie (starts a TOTP enrolment; tested in mfa.test.ts)',
  'DELETE /api/auth/mfa/totp': 'needs a session with TOTP on; its body is the one of POST /api/auth/login/mfa, fuzzed there',
  'GET /api/auth/sso/start': 'a browser redirect to the identity provider; its query is fuzzed in sso.test.ts (never a 5xx)',
  'GET /api/auth/sso/callback': 'the identity provider\'s redirect back; its query is fuzzed in sso.test.ts (never a 5xx)',
}

/** Request schemas of the routes outside /api/v1 (not in the OpenAPI document), as JSON Schema. */
const str = (maxLength: number): JsonSchema => ({ type: 'string', maxLength })
const AUTH_BODIES: Record<string, JsonSchema> = {
  'POST /api/auth/login': { type: 'object', required: ['email', 'password'], properties: { email: str(320), password: str(1024) } },
  'POST /api/auth/signup': {
    type: 'object',
    required: ['orgName', 'name', 'email', 'password'],
    additionalProperties: false,
    properties: { orgName: str(200), name: str(200), email: str(320), password: str(200) },
  },
  'POST /api/auth/invite/accept': { type: 'object', required: ['token', 'password'], properties: { token: str(200), password: str(200) } },
  'POST /api/auth/login/mfa': { type: 'object', additionalProperties: false, properties: { code: str(20), recoveryCode: str(40) } },
  'POST /api/auth/mfa/totp/confirm': { type: 'object', required: ['code'], additionalProperties: false, properties: { code: str(20) } },
  'POST /api/auth/password/forgot': { type: 'object', required: ['email'], properties: { email: str(320) } },
  'POST /api/auth/password/reset': { type: 'object', required: ['token', 'password'], properties: { token: str(200), password: str(200) } },
  // Validated before the caller is looked at: the fuzz sends no cookie, so a body that passes gets 401.
  'POST /api/auth/password/change': {
    type: 'object',
    required: ['currentPassword', 'password'],
    properties: { currentPassword: str(1024), password: str(200) },
  },
}
const WEBHOOKS = [
  'POST /api/webhooks/stripe',
  'POST /api/webhooks/email/[provider]/[connectionId]',
  'POST /api/webhooks/email/inbound/[connectionId]',
  'POST /api/auth/logout',
]

let endpoints: Endpoint[] = []
let admin: Client
let tenantId: string
let print: Fingerprint
const ids: Record<string, string> = {}
const hooks: Record<string, { id: string, webhookUrl: string, inboundUrl: string }> = {}
const mailgunKey = randomBytes(24).toString('hex')
const postmarkAuth = { username: 'fuzz', password: randomBytes(12).toString('hex') }
let sendgridKey: KeyObject

beforeAll(async () => {
  endpoints = endpointsOf(await (await fetch(`${baseURL}/api/openapi.json`)).json())
  const signedUp = await signUp(baseURL)
  admin = signedUp.client
  tenantId = signedUp.tenant.id
  await subscribe(baseURL, tenantId) // every capability, no limits: the fuzz reaches every handler
  // Someone else to PATCH: random valid patches of the fuzzing admin would demote or deactivate it.
  ids.users = (await admin.post('/api/v1/users', { email: 'fuzz.invitee@fuzz.test', name: 'Invitee', role: 'rep' })).body.id
  ids.accounts = (await admin.post('/api/v1/accounts', { name: 'Fuzz Co' })).body.id
  ids.contacts = (
    await admin.post('/api/v1/contacts', { firstName: 'Fuzz', lastName: 'Person', email: 'fuzz.person@fuzz.test', accountId: ids.accounts })
  ).body.id
  ids.deals = (
    await admin.post('/api/v1/deals', { name: 'Fuzz deal', amount: 1000, accountId: ids.accounts, contactIds: [ids.contacts] })
  ).body.id
  ids.leads = (await admin.post('/api/v1/leads', { name: 'Fuzz Lead', company: 'Fuzz Co', source: 'referral' })).body.id
  ids['api-keys'] = (await admin.post('/api/v1/api-keys', { name: 'fuzz key', scopes: ['read', 'write'] })).body.id
  ids.teams = (await admin.post('/api/v1/teams', { name: 'Fuzz team' })).body.id
  ids.views = (await admin.post('/api/v1/views', { name: 'Fuzz view', recordType: 'deals' })).body.id
  ids.reports = (await admin.post('/api/v1/reports', { name: 'Fuzz report', recordType: 'deals', measures: [{ fn: 'count' }] })).body.id
  ids.imports = (
    await admin.upload(
      '/api/v1/imports',
      { kind: 'accounts', mapping: JSON.stringify({ name: 'name' }) },
      { name: 'a.csv', content: 'name\nFuzz Imported\n' },
    )
  ).body.id
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  sendgridKey = pair.privateKey
  hooks.sendgrid = (
    await admin.post('/api/v1/integrations/email', {
      provider: 'sendgrid',
      verification: { publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') },
    })
  ).body
  hooks.mailgun = (await admin.post('/api/v1/integrations/email', { provider: 'mailgun', verification: { signingKey: mailgunKey } })).body
  hooks.postmark = (await admin.post('/api/v1/integrations/email', { provider: 'postmark', verification: postmarkAuth })).body
  for (const hook of Object.values(hooks)) expect(hook.id).toBeTruthy()
  // The import above runs in the background: let it finish before fingerprints are taken.
  for (let i = 0; i < 50 && (await admin.get(`/api/v1/imports/${ids.imports}`)).body.status !== 'done'; i++)
    await new Promise(r => setTimeout(r, 100))
  print = await fingerprint(databaseURL, tenantId, admin)
})
afterAll(() => print?.close())

/** Other params than ids: a value the route takes. */
const PARAM_VALUES: Record<string, string> = { kind: 'conversion', entity: 'deal', file: 'deals.csv', name: 'events:partitions' }

/**
 * The route's path with ids no record has (other params as the route takes them):
 * for requests that must not touch the tenant's records.
 */
const junkPath = (pattern: string) =>
  pattern.replace(/\[(\w+)\]/g, (_, param: string) =>
    param === 'id' ? '6a1f1f1f-1f1f-4f1f-8f1f-1f1f1f1f1f1f' : (PARAM_VALUES[param] ?? 'x'),
  )

/** The route's path with real values of the fuzz tenant for its parameters (a random id for an unknown resource). */
const realPath = (pattern: string) => pattern.replace(/([^/]+)\/\[(\w+)\]/g, (_, resource: string, param: string) =>
  `${resource}/${param === 'id' ? ids[resource] ?? '6a1f1f1f-1f1f-4f1f-8f1f-1f1f1f1f1f1f' : PARAM_VALUES[param] ?? 'x'}`)

async function send(
  method: string,
  path: string,
  body: Uint8Array | string | undefined,
  contentType = 'application/json',
  headers: Record<string, string> = {},
  client: Client | null = admin,
): Promise<Answer> {
  const response = await fetch(`${baseURL}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': contentType }),
      ...(client ? { cookie: client.cookieHeader(), origin: baseURL } : {}),
      ...headers,
    },
    body: body as BodyInit | undefined,
    redirect: 'manual',
  }).catch((error: Error) => {
    throw new Error(`${method} ${path.slice(0, 300)}: ${error.message} (${(error.cause as Error | undefined)?.message})`)
  })
  const text = await response.text()
  let parsed: Json = text
  try {
    parsed = text ? JSON.parse(text) : null
  }
  catch {
    /* not JSON */
  }
  return { status: response.status, body: parsed, headers: response.headers }
}

/**
 * The tenant's fingerprint once nothing is under way: the live rescoring (server/plugins/momentum.ts)
 * scores a deal about a second after an event the setup or an earlier property wrote, in one
 * transaction that may take longer than a poll on a loaded machine. Settled: no deal waits to be
 * rescored (`momentum_dirty` is empty; on PGlite, which has no such entry, the lists alone) and
 * nothing changed over two polls in a row.
 */
async function settled() {
  let last = await print.take()
  let quiet = 0
  for (let i = 0; i < 60; i++) {
    await new Promise(resolve => setTimeout(resolve, 750))
    const now = await print.take()
    const waiting = now.momentum_dirty !== undefined && !now.momentum_dirty.startsWith('0:')
    quiet = changed(last, now).length || waiting ? 0 : quiet + 1
    last = now
    if (quiet >= 2) return now
  }
  return last
}

/** Runs a property and proves the tenant's data did not change across it. */
async function unchangedAcross(run: () => Promise<void>) {
  const before = await settled()
  await run()
  expect(changed(before, await print.take()), 'tables or lists that changed').toEqual([])
}

const jsonText = (value: unknown) => JSON.stringify(value) ?? 'null'

describe('route coverage', () => {
  it('fuzzes every route under server/api, or exempts it with a reason', async () => {
    const fuzzed = new Set([...endpoints.map(e => e.route), ...Object.keys(AUTH_BODIES), ...WEBHOOKS])
    const missing = routeFiles('server/api').filter(route => !fuzzed.has(route) && !EXEMPT[route])
    expect(missing, 'add these routes to the OpenAPI registry, to AUTH_BODIES / WEBHOOKS here, or to EXEMPT with a reason').toEqual([])
    const stale = Object.keys({ ...EXEMPT, ...AUTH_BODIES }).filter(route => !routeFiles('server/api').includes(route))
    expect(stale, 'entries here for routes that no longer exist').toEqual([])
    for (const [route, reason] of Object.entries(EXEMPT)) expect(reason.length, route).toBeGreaterThan(10)
  })
})

describe('JSON bodies of /api/v1', () => {
  const targets = () => endpoints.filter(e => e.body && !e.multipart && e.method !== 'GET')

  it('refuses bodies its schema refuses (a missing, mistyped, too long or unknown field, or no object) with 400 naming the field, '
    + 'writing nothing', async () => {
    for (const endpoint of targets()) {
      await unchangedAcross(() =>
        fc.assert(
          fc.asyncProperty(defectiveBody(endpoint.body!), async ({ body, defect }) => {
            const answer = await send(endpoint.method, realPath(endpoint.pattern), jsonText(body))
            expectClearRefusal(answer, `${endpoint.route} (${defect})`)
            expect([400, 413], `${endpoint.route} (${defect}): ${jsonText(answer.body).slice(0, 300)}`).toContain(answer.status)
          }),
        ),
      )
    }
  })

  it('never answers 5xx to any body at all', async () => {
    for (const endpoint of targets()) {
      await fc.assert(fc.asyncProperty(randomBody(endpoint.body), async (body) => {
        const answer = await send(endpoint.method, realPath(endpoint.pattern), jsonText(body))
        expect(answer.status, `${endpoint.route}: ${jsonText(body).slice(0, 300)} -> ${jsonText(answer.body).slice(0, 300)}`).toBeLessThan(
          500,
        )
      }))
    }
  })

  it('refuses invalid UTF-8, broken JSON, deep nesting and other media types with a 4xx, writing nothing', async () => {
    for (const endpoint of targets()) {
      await unchangedAcross(() => fc.assert(fc.asyncProperty(rawBadBody, async ({ body, contentType, why }) => {
        expectClearRefusal(await send(endpoint.method, realPath(endpoint.pattern), body, contentType), `${endpoint.route} (${why})`)
      }), { numRuns: Math.ceil(FUZZ.numRuns / 2) }))
    }
  })

  it('refuses a body of any other media type on every route before h3 parses it: a form (urlencoded, multipart) with 415, '
    + 'anything h3 reads as JSON text (octet-stream, text…) by the JSON checks\' 400, writing nothing', async () => {
    for (const endpoint of endpoints.filter(e => e.method !== 'GET' && !e.multipart)) {
      // A route without a body schema gets ids no record has: should the refusal fail, nothing is deleted.
      const path = endpoint.body ? realPath(endpoint.pattern) : junkPath(endpoint.pattern)
      await unchangedAcross(() =>
        fc.assert(
          fc.asyncProperty(nonJsonBody, async ({ body, contentType, why }) => {
            const answer = await send(endpoint.method, path, body, contentType)
            expectClearRefusal(answer, `${endpoint.route} (${why})`)
            const form = /^(application\/x-www-form-urlencoded|multipart\/form-data)/.test(contentType)
            expect(answer.status, `${endpoint.route} (${why}): ${jsonText(answer.body).slice(0, 300)}`).toBe(form ? 415 : 400)
          }),
          { numRuns: Math.ceil(FUZZ.numRuns / 2) },
        ),
      )
    }
  })

  it('answers 413 past the body size limit, before reading it all', async () => {
    const answer = await send('POST', '/api/v1/deals', Buffer.alloc(1024 * 1024 + 10, 0x20))
    expect(answer.status).toBe(413)
    expect(answer.body.statusMessage).toMatch(/larger than this route takes \(1 MB\)/)
    const events = await send('POST', '/api/v1/events', Buffer.alloc(17 * 1024 * 1024, 0x20))
    expect(events.status).toBe(413)
    expect(events.body.statusMessage).toMatch(/\(16 MB\)/)
    // A batch of 5,000 events fits under the ingestion limit (it is refused for its content, not its size).
    const batch = {
      events: Array.from({ length: 5000 }, (_, i) => ({
        type: 'nope',
        occurredAt: new Date().toISOString(),
        source: 'fuzz',
        externalId: `size-${i}`,
        subject: { email: `p${i}@fuzz.test` },
        metadata: { note: 'x'.repeat(200) },
      })),
    }
    expect((await send('POST', '/api/v1/events', jsonText(batch))).status).toBe(400)
  })
})

describe('multipart imports', () => {
  it('refuses uploads without a valid kind, mapping or file with a 4xx, writing nothing', async () => {
    const imports = endpoints.filter(e => e.multipart)
    expect(imports.length).toBeGreaterThan(0)
    for (const endpoint of imports) {
      await unchangedAcross(() =>
        fc.assert(
          fc.asyncProperty(
            fc.record(
              {
                kind: fc.string({ maxLength: 20 }).filter(k => !['deals', 'accounts', 'contacts', 'events'].includes(k)),
                mapping: fc.oneof(fc.string(), anyJson.map(jsonText)),
              },
              { requiredKeys: [] },
            ),
            fc.option(fc.string({ maxLength: 200 })),
            async (fields, file) => {
              const form = new FormData()
              for (const [k, v] of Object.entries(fields)) form.append(k, v)
              if (file !== null) form.append('file', new Blob([file], { type: 'text/csv' }), 'fuzz.csv')
              const response = await fetch(`${baseURL}${realPath(endpoint.pattern)}`, {
                method: endpoint.method,
                headers: { cookie: admin.cookieHeader(), origin: baseURL },
                body: form,
              })
              expectClearRefusal(
                { status: response.status, body: await response.json().catch(() => null), headers: response.headers },
                `${endpoint.route} ${jsonText(fields)}`,
              )
            },
          ),
        ),
      )
      await unchangedAcross(() => fc.assert(fc.asyncProperty(rawBadBody, async ({ body, contentType, why }) => {
        expectClearRefusal(await send(endpoint.method, realPath(endpoint.pattern), body, contentType), `${endpoint.route} (${why})`)
      }), { numRuns: Math.ceil(FUZZ.numRuns / 2) }))
    }
  })
})

describe('path parameters and queries of /api/v1', () => {
  it('refuses ids that are not the tenant\'s records with a 4xx, writing nothing', async () => {
    for (const endpoint of endpoints.filter(e => e.pattern.includes('[') && !EXEMPT[e.route])) {
      await unchangedAcross(() => fc.assert(fc.asyncProperty(badSegment, async (segment) => {
        const path = endpoint.pattern.replace(/\[\w+\]/g, segment)
        const body = endpoint.body && !endpoint.multipart ? '{}' : undefined
        const answer = await send(endpoint.method, path, body)
        if (endpoint.method === 'GET' && answer.status < 400) return // e.g. an analytics kind that exists
        expectClearRefusal(answer, `${endpoint.route} with ${segment}`)
      })))
    }
  })

  it('never answers 5xx to any query string (NUL, huge, unicode, broken escapes) on any route, '
    + 'and says what is wrong when it refuses one', async () => {
    // Other methods than GET get a junk value for every path parameter and a body their schema
    // refuses: the query is what is fuzzed, not the write (a route with neither takes no input to fuzz).
    for (const endpoint of endpoints.filter(e => !EXEMPT[e.route] && (e.method === 'GET' || e.pattern.includes('[') || e.body))) {
      const get = endpoint.method === 'GET'
      const path = get ? realPath(endpoint.pattern) : endpoint.pattern.replace(/\[\w+\]/g, '6a1f1f1f-1f1f-4f1f-8f1f-1f1f1f1f1f1f')
      const run = () =>
        fc.assert(
          fc.asyncProperty(badQuery(endpoint.query), async (query) => {
            const answer = await send(endpoint.method, `${path}?${query}`, get || endpoint.multipart || !endpoint.body ? undefined : '[]')
            expect(answer.status, `${endpoint.route}?${query.slice(0, 300)}: ${jsonText(answer.body).slice(0, 300)}`).toBeLessThan(500)
            if (answer.status >= 400) expectClearRefusal(answer, `${endpoint.route}?${query.slice(0, 300)}`)
          }),
          { numRuns: Math.ceil(FUZZ.numRuns / 2) },
        )
      // A GET may write its audit trail (exports); the others must write nothing.
      await (get ? run() : unchangedAcross(run))
    }
  })

  it('refuses years, periods, numbers and cursors at their extremes (year 0000 and 10000, 9999-Q4, '
    + 'shape-valid cursors with out-of-range values) with a 4xx, never a 5xx', async () => {
    for (const endpoint of endpoints.filter(e => e.method === 'GET' && !EXEMPT[e.route])) {
      await fc.assert(
        fc.asyncProperty(extremeQuery(endpoint.query), async (query) => {
          const answer = await send('GET', `${realPath(endpoint.pattern)}?${query}`, undefined)
          expect(answer.status, `${endpoint.route}?${query.slice(0, 300)}: ${jsonText(answer.body).slice(0, 300)}`).toBeLessThan(500)
          if (answer.status >= 400) expectClearRefusal(answer, `${endpoint.route}?${query.slice(0, 300)}`)
        }),
        { numRuns: FUZZ.numRuns },
      )
    }
  })
})

describe('sign-in, sign-up and invitations', () => {
  it('refuses bodies their schemas refuse with 400 and writes nothing', async () => {
    for (const [route, schema] of Object.entries(AUTH_BODIES)) {
      const path = route.split(' ')[1]!
      await unchangedAcross(() => fc.assert(fc.asyncProperty(defectiveBody(schema), async ({ body, defect }) => {
        const answer = await send('POST', path, jsonText(body), 'application/json', {}, null)
        expectClearRefusal(answer, `${route} (${defect})`)
        expect(answer.status, `${route} (${defect})`).toBe(400)
      })))
      await unchangedAcross(() => fc.assert(fc.asyncProperty(rawBadBody, async ({ body, contentType, why }) => {
        expectClearRefusal(await send('POST', path, body, contentType, {}, null), `${route} (${why})`)
      }), { numRuns: Math.ceil(FUZZ.numRuns / 2) }))
      await unchangedAcross(() => fc.assert(fc.asyncProperty(nonJsonBody, async ({ body, contentType, why }) => {
        const answer = await send('POST', path, body, contentType, {}, null)
        expectClearRefusal(answer, `${route} (${why})`)
        expect([400, 415], `${route} (${why})`).toContain(answer.status)
      }), { numRuns: Math.ceil(FUZZ.numRuns / 2) }))
    }
  })

  it('signs out whatever the body says, without a 5xx', async () => {
    await fc.assert(fc.asyncProperty(anyJson, async (body) => {
      expect((await send('POST', '/api/auth/logout', jsonText(body), 'application/json', {}, null)).status).toBeLessThan(500)
    }))
  })
})

describe('webhooks', () => {
  const stripe = new Stripe('sk_test_signing_only')
  const hookPath = (url: string) => url.replace(/^https?:\/\/[^/]+/, '')
  const anyBody = fc.oneof(
    anyJson.map(v => ({ body: jsonText(v) as string | Uint8Array, contentType: 'application/json' })),
    rawBadBody,
    nonJsonBody,
  )

  it('Stripe: refuses anything unsigned with 400, and takes signed but meaningless events without a 5xx', async () => {
    await unchangedAcross(() =>
      fc.assert(
        fc.asyncProperty(anyBody, fc.option(fc.string({ maxLength: 80 })), async ({ body, contentType }, signature) => {
          const answer = await send(
            'POST',
            '/api/webhooks/stripe',
            body,
            contentType,
            signature === null ? {} : { 'stripe-signature': signature },
            null,
          )
          expectClearRefusal(answer, 'stripe unsigned')
          // 415 for a body that is not JSON at all.
          expect([400, 415]).toContain(answer.status)
        }),
      ),
    )
    const event = fc.record(
      {
        id: fc.oneof(fc.string(), fc.constant(`evt_fuzz_${randomBytes(4).toString('hex')}`)),
        type: fc.oneof(
          fc.string(),
          fc.constantFrom(
            'customer.subscription.created',
            'customer.subscription.updated',
            'customer.subscription.deleted',
            'invoice.paid',
            'invoice.payment_failed',
            'checkout.session.completed',
          ),
        ),
        created: fc.oneof(fc.integer(), anyJson),
        data: fc.oneof(anyJson, fc.record({ object: randomBody(undefined) })),
      },
      { requiredKeys: [] },
    )
    await fc.assert(fc.asyncProperty(fc.oneof(event, anyJson), async (payload) => {
      const text = jsonText(payload)
      const header = stripe.webhooks.generateTestHeaderString({ payload: text, secret: WEBHOOK_SECRET })
      const answer = await send('POST', '/api/webhooks/stripe', text, 'application/json', { 'stripe-signature': header }, null)
      expect(answer.status, `${text.slice(0, 300)} -> ${jsonText(answer.body).slice(0, 300)}`).toBeLessThan(500)
    }))
  })

  it('email tracking: refuses unsigned or misaddressed requests (401/404) and writes nothing for signed junk', async () => {
    await unchangedAcross(async () => {
      for (const provider of ['sendgrid', 'mailgun', 'postmark']) {
        await fc.assert(
          fc.asyncProperty(anyBody, fc.oneof(fc.constant(hooks[provider]!.id), badSegment), async ({ body, contentType }, connection) => {
            expectClearRefusal(
              await send('POST', `/api/webhooks/email/${provider}/${connection}`, body, contentType, {}, null),
              `${provider} unsigned`,
            )
          }),
        )
      }
      const timestamp = () => String(Math.floor(Date.now() / 1000))
      await fc.assert(fc.asyncProperty(fc.oneof(anyJson, fc.array(randomBody(undefined), { maxLength: 3 })), async (payload) => {
        const text = jsonText(payload)
        const at = timestamp()
        const signature = sign('sha256', Buffer.from(at + text), sendgridKey).toString('base64')
        const answer = await send(
          'POST',
          hookPath(hooks.sendgrid!.webhookUrl),
          text,
          'application/json',
          { 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': at },
          null,
        )
        expect(answer.status, `sendgrid ${text.slice(0, 200)} -> ${jsonText(answer.body).slice(0, 300)}`).toBeLessThan(500)
      }))
      await fc.assert(fc.asyncProperty(anyJson, async (eventData) => {
        const at = timestamp()
        const token = randomBytes(25).toString('hex')
        const signature = createHmac('sha256', mailgunKey).update(at + token).digest('hex')
        const text = jsonText({ 'signature': { timestamp: at, token, signature }, 'event-data': eventData })
        const answer = await send('POST', hookPath(hooks.mailgun!.webhookUrl), text, 'application/json', {}, null)
        expect(answer.status, `mailgun ${text.slice(0, 200)} -> ${jsonText(answer.body).slice(0, 300)}`).toBeLessThan(500)
      }))
      const basic = `Basic ${Buffer.from(`${postmarkAuth.username}:${postmarkAuth.password}`).toString('base64')}`
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            anyJson,
            randomBody({ properties: { RecordType: {}, MessageID: {}, Recipient: {}, DeliveredAt: {}, ReceivedAt: {}, Email: {} } }),
          ),
          async (payload) => {
            const text = jsonText(payload)
            const answer = await send(
              'POST',
              hookPath(hooks.postmark!.webhookUrl),
              text,
              'application/json',
              { authorization: basic },
              null,
            )
            expect(answer.status, `postmark ${text.slice(0, 200)} -> ${jsonText(answer.body).slice(0, 300)}`).toBeLessThan(500)
          },
        ),
      )
    })
  })

  it('inbound email: refuses a bad token (401, or 400 for an unreadable body), writing nothing, '
    + 'and never answers 5xx to a genuine one', async () => {
    await unchangedAcross(() =>
      fc.assert(
        fc.asyncProperty(anyBody, fc.option(fc.string({ maxLength: 60 })), async ({ body, contentType }, token) => {
          const query = token === null ? '' : `?token=${encodeURIComponent(token)}`
          const answer = await send('POST', `/api/webhooks/email/inbound/${hooks.sendgrid!.id}${query}`, body, contentType, {}, null)
          expectClearRefusal(answer, 'inbound with a bad token')
          // 400 or 415 when the body itself is refused first (invalid UTF-8, broken JSON, too deep, a media type inbound mail never has).
          expect([400, 401, 415]).toContain(answer.status)
        }),
      ),
    )
    const basic = `Basic ${Buffer.from(`${postmarkAuth.username}:${postmarkAuth.password}`).toString('base64')}`
    const postmarkFields = randomBody({
      properties: { MessageID: {}, Headers: {}, FromFull: {}, From: {}, To: {}, Subject: {}, Date: {}, TextBody: {} },
    })
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          postmarkFields.map(v => ({ body: jsonText(v) as string | Uint8Array, contentType: 'application/json' })),
          rawBadBody,
          fc.string().map(s => ({ body: s, contentType: 'message/rfc822' })),
        ),
        async ({ body, contentType }) => {
          const answer = await send('POST', hookPath(hooks.postmark!.inboundUrl), body, contentType, { authorization: basic }, null)
          expect(answer.status, `inbound ${String(body).slice(0, 200)} -> ${jsonText(answer.body).slice(0, 300)}`).toBeLessThan(500)
        },
      ),
    )
  })
})

// Last: these bodies are accepted, so they change the tenant (stages, fields, records).
describe('well-formed bodies with tricky content', () => {
  it('never answers 5xx to a body its schema accepts, whatever its strings hold (NUL, surrogates, emoji, markup)', async () => {
    for (const endpoint of endpoints.filter(e => e.body && !e.multipart && e.method !== 'GET')) {
      await fc.assert(fc.asyncProperty(validBody(endpoint.body), async (body) => {
        const answer = await send(endpoint.method, realPath(endpoint.pattern), jsonText(body))
        expect(answer.status, `${endpoint.route}: ${jsonText(body).slice(0, 400)} -> ${jsonText(answer.body).slice(0, 300)}`).toBeLessThan(
          500,
        )
        if (answer.status >= 400) expectClearRefusal(answer, endpoint.route)
      }))
    }
  })
})
