import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../db/seed'
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
    const answer = await raw('/api/v1/events', JSON.stringify({ type: 'call', occurredAt: new Date().toISOString(), source: 'regression', subject: { contactId: contact.id } }).replace('"subject"', '"metadata":{"note":"\\ud800"},"subject"'))
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues[0].path).toBe('metadata.note')
  })

  it('refuses a signed Stripe event of an unexpected shape with 400 naming the fields', async () => {
    const { default: Stripe } = await import('stripe')
    const { WEBHOOK_SECRET } = await import('../../support/stripe')
    const payload = JSON.stringify({ id: `evt_${unique('x')}`, type: 'invoice.paid', created: 1_800_000_000, data: { object: { id: 'in_1' } } })
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })
    const response = await fetch(`${baseURL}/api/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload })
    expect(response.status).toBe(400)
    expect((await response.json()).data.issues.map((i: Json) => i.path)).toEqual(expect.arrayContaining(['data.object.customer', 'data.object.amount_due']))
  })

  it('stores an inbound reply whose timestamp field is no date, at the time it arrived', async () => {
    const auth = { username: 'regress', password: unique('regression-hook-password') }
    const inbound = (await admin.post('/api/v1/integrations/email', { provider: 'postmark', verification: auth })).body.inboundUrl as string
    const response = await fetch(`${baseURL}${inbound.replace(/^https?:\/\/[^/]+/, '')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` },
      body: JSON.stringify({ 'Message-Id': `<${unique('m')}@x.test>`, 'timestamp': 'tomorrow', 'sender': `${unique('who')}@nowhere.test`, 'subject': 'Hi' }),
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
    const invalid = await fetch(`${baseURL}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]) })
    expect(invalid.status).toBe(400)
    expect((await invalid.json()).data.issues).toEqual([{ path: 'body', message: 'the body is not valid UTF-8' }])
    const deep = await raw('/api/v1/deals', `{"name":${'['.repeat(5000)}${']'.repeat(5000)}}`)
    expect(deep.status).toBe(400)
    expect(deep.body.data.issues[0].message).toMatch(/deeper than 32/)
  })
})
