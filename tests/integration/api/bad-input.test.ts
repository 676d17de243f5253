import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, unique, type Json } from '../../support/http'

const baseURL = inject('baseURL')

// Regression tests for the 500s the fuzz suite and the probing after it found; each answered a
// bare 500 before its fix.
let admin: Client
let contact: Json
beforeAll(async () => {
  admin = await new Client(baseURL).login(DEMO_LOGINS[0].email, DEMO_PASSWORD)
  contact = (await admin.get('/api/v1/contacts?limit=1')).body.data[0]
})

const raw = (path: string, body: string, contentType = 'application/json') => fetch(`${baseURL}${path}`, {
  method: 'POST', headers: { 'content-type': contentType, 'cookie': admin.cookieHeader(), 'origin': baseURL }, body,
}).then(async r => ({ status: r.status, body: await r.json().catch(() => null) }))

describe('input that used to answer 500', () => {
  it('refuses a NUL in a text field with 400 naming the field, and stores nothing', async () => {
    const name = unique('Nul Co')
    const answer = await raw('/api/v1/accounts', `{"name":"${name}\\u0000"}`)
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues).toEqual([{ path: 'name', message: expect.stringMatching(/cannot be stored/) }])
    expect((await admin.get(`/api/v1/accounts?q=${encodeURIComponent(name)}`)).body.data).toEqual([])
  })

  it('refuses an unpaired surrogate in event metadata (jsonb) with 400 naming it', async () => {
    const answer = await raw(
      '/api/v1/events',
      JSON.stringify({
        type: 'call',
        occurredAt: new Date().toISOString(),
        source: 'regression',
        subject: { contactId: contact.id },
      }).replace('"subject"', '"metadata":{"note":"\\ud800"},"subject"'),
    )
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues[0].path).toBe('metadata.note')
  })

  it('refuses a signed Stripe event of an unexpected shape with 400 naming the fields', async () => {
    const { default: Stripe } = await import('stripe')
    const { WEBHOOK_SECRET } = await import('../../support/stripe')
    const payload = JSON.stringify({
      id: `evt_${unique('x')}`,
      type: 'invoice.paid',
      created: 1_800_000_000,
      data: { object: { id: 'in_1' } },
    })
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })
    const response = await fetch(`${baseURL}/api/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
      body: payload,
    })
    expect(response.status).toBe(400)
    expect((await response.json()).data.issues.map((i: Json) => i.path)).toEqual(
      expect.arrayContaining(['data.object.customer', 'data.object.amount_due']),
    )
  })

  it('stores an inbound reply whose timestamp field is no date, at the time it arrived', async () => {
    const auth = { username: 'regress', password: unique('regression-hook-password') }
    const inbound = (await admin.post('/api/v1/integrations/email', { provider: 'postmark', verification: auth })).body.inboundUrl as string
    const response = await fetch(`${baseURL}${inbound.replace(/^https?:\/\/[^/]+/, '')}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'authorization': `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
      },
      body: JSON.stringify({
        'Message-Id': `<${unique('m')}@x.test>`,
        'timestamp': 'tomorrow',
        'sender': `${unique('who')}@nowhere.test`,
        'subject': 'Hi',
      }),
    })
    expect(response.status).toBe(200)
    expect((await response.json()).status).toBe('unmatched')
  })

  it('answers an unknown /api path with a JSON 404, not the app\'s HTML or a redirect', async () => {
    for (const path of ['/api/nope', '/api/webhooks/email/', '/api/v1x/deals']) {
      const response = await fetch(`${baseURL}${path}`, { method: 'POST', redirect: 'manual' })
      expect(response.status, path).toBe(404)
      expect((await response.json()).statusMessage).toBe('no such API route')
    }
  })

  it('refuses invalid UTF-8 and deep nesting before any route reads them', async () => {
    const invalid = await fetch(`${baseURL}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    })
    expect(invalid.status).toBe(400)
    expect((await invalid.json()).data.issues).toEqual([{ path: 'body', message: 'the body is not valid UTF-8' }])
    const deep = await raw('/api/v1/deals', `{"name":${'['.repeat(5000)}${']'.repeat(5000)}}`)
    expect(deep.status).toBe(400)
    expect(deep.body.data.issues[0].message).toMatch(/deeper than 32/)
  })
})

// The review's 41 answers 5xx, from six causes: each is now a 400 (or 415) that names what is wrong.
describe('input the security review found answering 5xx', () => {
  const refusedNaming = async (answer: Promise<{ status: number, body: Json }>, path: string | RegExp) => {
    const { status, body } = await answer
    expect(status, JSON.stringify(body)).toBe(400)
    expect(body.data.issues.map((i: Json) => i.path)).toContainEqual(path instanceof RegExp ? expect.stringMatching(path) : path)
  }
  const get = (path: string) => admin.get(path)
  const b64 = (text: string) => Buffer.from(text).toString('base64url')

  it('refuses a NUL in a query string with 400 naming the parameter', async () => {
    await refusedNaming(get('/api/v1/accounts?q=a%00b'), 'q')
    await refusedNaming(get('/api/v1/accounts?industry=%00'), 'industry')
    await refusedNaming(get('/api/v1/contacts?q=%00x'), 'q')
    await refusedNaming(get('/api/v1/leads?source=x%00'), 'source')
    await refusedNaming(get('/api/v1/search?q=ab%00'), 'q')
  })

  it('refuses year 0000 (and years past 9999 or before 1900) in dates with 400 naming the field', async () => {
    await refusedNaming(get('/api/v1/analytics/conversion?from=0000-01-01&to=2026-01-01'), 'from')
    await refusedNaming(get('/api/v1/analytics/conversion?from=1899-12-31&to=2026-01-01'), 'from')
    await refusedNaming(admin.post('/api/v1/deals', { name: unique('Year zero'), amount: 1, closeDate: '0000-01-01' }), 'closeDate')
    await refusedNaming(admin.post('/api/v1/tasks', { title: 'Year zero', dueAt: '0000-01-01T00:00:00Z' }), 'dueAt')
    await refusedNaming(admin.post('/api/v1/tasks', { title: 'Year 10000', dueAt: '9999-12-31T23:00:00-05:00' }), 'dueAt')
    await refusedNaming(
      admin.post('/api/v1/events', {
        type: 'call',
        occurredAt: '0000-06-01T00:00:00Z',
        source: 'regression',
        subject: { contactId: contact.id },
      }),
      /occurredAt$/,
    )
    expect((await admin.post('/api/v1/deals', { name: unique('Year 9999'), amount: 1, closeDate: '9999-12-31' })).status).toBeLessThan(300)
  })

  it('refuses forecast periods that start before 1900 or end after 9999 with 400 naming period', async () => {
    await refusedNaming(get('/api/v1/forecast?period=9999-Q4'), 'period')
    await refusedNaming(get('/api/v1/forecast?period=9999-12'), 'period')
    await refusedNaming(get('/api/v1/forecast?period=0000-Q1'), 'period')
    expect((await get('/api/v1/forecast?period=9999-Q3')).status).toBe(200)
  })

  it('refuses shape-valid cursors with values the database cannot read with 400 naming cursor', async () => {
    const uuid = randomUUID()
    await refusedNaming(get(`/api/v1/deals?sort=amount&cursor=${b64(JSON.stringify(['not a number', uuid]))}`), 'cursor')
    await refusedNaming(get(`/api/v1/deals?cursor=${b64(JSON.stringify(['0000-01-01T00:00:00.000Z', uuid]))}`), 'cursor')
    await refusedNaming(get(`/api/v1/deals?sort=closeDate&cursor=${b64(JSON.stringify(['2026-02-30', uuid]))}`), 'cursor')
    await refusedNaming(get(`/api/v1/deals?cursor=${b64(JSON.stringify(['2026-01-01T00:00:00.000Z', '-'.repeat(36)]))}`), 'cursor')
    await refusedNaming(get(`/api/v1/accounts?sort=createdAt&cursor=${b64(JSON.stringify(['0000-01-01 00:00:00+00', uuid]))}`), 'cursor')
    await refusedNaming(get(`/api/v1/accounts?sort=openValue&cursor=${b64(JSON.stringify(['1e999', uuid]))}`), 'cursor')
    await refusedNaming(get(`/api/v1/contacts?cursor=${b64(JSON.stringify(['a\u0000', uuid]))}`), 'cursor')
    await refusedNaming(get(`/api/v1/leads?cursor=${b64(JSON.stringify(['x', 'g'.repeat(8) + '-0000-0000-0000-000000000000']))}`), 'cursor')
    await refusedNaming(get(`/api/v1/notifications?cursor=${b64(`0000-01-01T00:00:00.000Z|${uuid}`)}`), 'cursor')
    await refusedNaming(get(`/api/v1/notifications?cursor=${b64(`+275760-09-13T00:00:00.000Z|${uuid}`)}`), 'cursor')
    await refusedNaming(
      get(`/api/v1/contacts/${contact.id}/timeline?cursor=${b64(`2026-01-01T00:00:00.000Z|${'-'.repeat(36)}`)}`),
      'cursor',
    )
    await refusedNaming(
      get(
        `/api/v1/events?userId=${uuid}&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&cursor=${b64(`0000-01-01T00:00:00.000Z|${uuid}`)}`,
      ),
      'cursor',
    )
    await refusedNaming(get('/api/v1/audit?cursor=100000000000000000000'), 'cursor')
  })

  it('refuses forms on JSON routes with 415, and runs the JSON checks on any other body h3 would parse (octet-stream, text), '
    + 'whatever its type says', async () => {
    for (const [contentType, body] of [
      ['application/x-www-form-urlencoded', `name=${unique('Form')}%00`],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nA\u0000\r\n--x--'],
    ]) {
      const answer = await raw('/api/v1/accounts', body!, contentType)
      expect(answer.status, contentType).toBe(415)
      expect(answer.body.statusMessage).toMatch(/^this route takes application\/json bodies/)
    }
    await refusedNaming(raw('/api/v1/accounts', `{"name":"${unique('Octet')}\\u0000"}`, 'application/octet-stream'), 'name')
    await refusedNaming(raw('/api/v1/accounts', `{"name":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`, 'application/octet-stream'), 'body')
    await refusedNaming(raw('/api/v1/accounts', `{"name":${'['.repeat(5000)}${']'.repeat(5000)}}`, 'text/plain'), 'body')
    // h3 reads an octet-stream body as JSON: a sound one still works, as it did.
    expect((await raw('/api/v1/accounts', JSON.stringify({ name: unique('Octet') }), 'application/octet-stream')).status).toBeLessThan(300)
  })

  it('takes a signed Mailgun event about a known contact whose timestamp is no time (1e20) without a 5xx, dropping the event', async () => {
    const signingKey = randomBytes(24).toString('hex')
    const hook = (await admin.post('/api/v1/integrations/email', { provider: 'mailgun', verification: { signingKey } })).body
    const timestamp = String(Math.floor(Date.now() / 1000))
    const token = randomBytes(25).toString('hex')
    const signature = createHmac('sha256', signingKey).update(timestamp + token).digest('hex')
    const body = JSON.stringify({
      'signature': { timestamp, token, signature },
      'event-data': { event: 'delivered', id: unique('mg'), timestamp: 1e20, recipient: contact.email },
    })
    const response = await fetch(`${baseURL}${(hook.webhookUrl as string).replace(/^https?:\/\/[^/]+/, '')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ received: 0, inserted: 0 })
  })
})
