import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, signUp, unique } from '../../support/http'

const baseURL = inject('baseURL')
const serverLog = inject('serverLog')

// The test server writes its stdout and stderr to a file (tests/support/server.ts); after traffic
// that carries every kind of secret and personal data, none of it may be in there. The global
// teardown checks the whole run's log once more for the credentials the server was started with.
describe('the server\'s logs', () => {
  it('hold no password, API key, webhook secret or contact email, whatever the requests did with them', async () => {
    const secrets: string[] = [DEMO_PASSWORD]
    const admin = await new Client(baseURL).login(DEMO_LOGINS[0].email, DEMO_PASSWORD)
    await new Client(baseURL).post('/api/auth/login', { email: DEMO_LOGINS[1].email, password: 'a-wrong-password-xyz' })
    secrets.push('a-wrong-password-xyz')
    const fresh = await signUp(baseURL)
    secrets.push(fresh.password, fresh.email)

    const key = (await admin.post('/api/v1/api-keys', { name: 'log probe', scopes: ['read', 'write'] })).body.key as string
    secrets.push(key)
    expect((await new Client(baseURL, { authorization: `Bearer ${key}` }).get('/api/v1/deals?limit=1')).status).toBe(200)
    const forged = `${key.slice(0, -4)}abcd`
    secrets.push(forged)
    expect((await new Client(baseURL, { authorization: `Bearer ${forged}` }).get('/api/v1/deals')).status).toBe(401)

    const signingKey = randomBytes(20).toString('hex')
    const hookPassword = randomBytes(12).toString('hex')
    secrets.push(signingKey, hookPassword)
    const mailgun = (await admin.post('/api/v1/integrations/email', { provider: 'mailgun', verification: { signingKey } })).body
    const postmark = (
      await admin.post('/api/v1/integrations/email', { provider: 'postmark', verification: { username: 'probe', password: hookPassword } })
    ).body
    const token = new URL(postmark.inboundUrl).searchParams.get('token')!
    secrets.push(token)
    const hook = (url: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${baseURL}${url.replace(/^https?:\/\/[^/]+/, '')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      })
    expect(
      (await hook(mailgun.webhookUrl, JSON.stringify({ signature: { timestamp: '1', token: 't', signature: signingKey } }))).status,
    ).toBe(401)
    expect(
      (await hook(postmark.webhookUrl, '[]', { authorization: `Basic ${Buffer.from(`probe:${hookPassword}x`).toString('base64')}` }))
        .status,
    ).toBe(401)

    const email = `${unique('private.person')}@secret-contact.test`
    secrets.push(email)
    const contact = (await admin.post('/api/v1/contacts', { firstName: 'Private', lastName: 'Person', email })).body
    await admin.post('/api/v1/contacts', { firstName: 'Private', lastName: 'Person', email: `${email}\u0000` })
    await admin.post('/api/v1/events', {
      type: 'email_received',
      occurredAt: new Date().toISOString(),
      source: 'probe',
      actor: { email },
      subject: { email },
      metadata: { from: email },
    })
    await hook(postmark.inboundUrl, JSON.stringify({ MessageID: unique('m'), From: email, Subject: 'private', Headers: [] }), {
      authorization: `Basic ${Buffer.from(`probe:${hookPassword}`).toString('base64')}`,
    })
    await admin.get(`/api/v1/contacts/${contact.id}/export`)
    await admin.post(`/api/v1/contacts/${contact.id}/erase`)
    await admin.post(`/api/v1/contacts/${contact.id}/erase`) // 409

    await new Promise(resolve => setTimeout(resolve, 500))
    const log = readFileSync(serverLog, 'utf8')
    expect(log).toMatch(/Listening on/) // the capture works
    expect(secrets.filter(secret => log.includes(secret))).toEqual([])
  })
})
