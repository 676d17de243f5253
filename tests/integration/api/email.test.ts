import { createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, unique, type Json } from '../../support/http'

const baseURL = inject('baseURL')

let admin: Client
let sendgrid: { id: string, webhookUrl: string, inboundUrl: string }
let mailgun: { id: string, webhookUrl: string, inboundUrl: string }
let postmark: { id: string, webhookUrl: string, inboundUrl: string }
let privateKey: KeyObject
const signingKey = randomBytes(24).toString('hex')
const postmarkAuth = { username: 'postmark-hook', password: randomBytes(12).toString('hex') }
let contact: Json
let deal: Json
const sentAt = new Date(Date.now() - 5 * 3_600_000)
const messageId = `${unique('msg')}@momentum.test`
const providerId = unique('SGID')

const path = (url: string) => url.replace(/^https?:\/\/[^/]+/, '')
const timeline = async () => (await admin.get(`/api/v1/deals/${deal.id}/timeline?limit=200`)).body.data as Json[]
const emailEvents = async (type: string) => (await timeline()).filter(e => e.type === type)

/** Posts a SendGrid webhook signed with `key` (ECDSA P-256 over timestamp + body, as SendGrid signs). */
async function sendgridPost(events: object[], options: { key?: KeyObject, timestamp?: number, tamper?: boolean } = {}) {
  const body = JSON.stringify(events)
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000))
  const signature = sign('sha256', Buffer.from(timestamp + body), options.key ?? privateKey).toString('base64')
  return fetch(`${baseURL}${path(sendgrid.webhookUrl)}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-twilio-email-event-webhook-signature': signature,
      'x-twilio-email-event-webhook-timestamp': timestamp,
    },
    body: options.tamper ? body.replace('open', 'click') : body,
  })
}

function mailgunBody(eventData: object, options: { key?: string, timestamp?: number, token?: string } = {}) {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000))
  const token = options.token ?? randomBytes(25).toString('hex')
  const signature = createHmac('sha256', options.key ?? signingKey).update(timestamp + token).digest('hex')
  return { 'signature': { timestamp, token, signature }, 'event-data': eventData }
}
const mailgunPost = (body: object) =>
  fetch(`${baseURL}${path(mailgun.webhookUrl)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

beforeAll(async () => {
  admin = await new Client(baseURL).login(DEMO_LOGINS[0].email, DEMO_PASSWORD)
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  privateKey = pair.privateKey
  const publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')
  sendgrid = (await admin.post('/api/v1/integrations/email', { provider: 'sendgrid', verification: { publicKey } })).body
  mailgun = (await admin.post('/api/v1/integrations/email', { provider: 'mailgun', verification: { signingKey } })).body
  postmark = (await admin.post('/api/v1/integrations/email', { provider: 'postmark', verification: postmarkAuth })).body
  contact = (await admin.post('/api/v1/contacts', { firstName: 'Grace', lastName: 'Buyer', email: `${unique('grace')}@buyer.test` })).body
  deal = (await admin.post('/api/v1/deals', { name: unique('Email deal'), amount: 12_000, contactIds: [contact.id] })).body
  const logged = await admin.post('/api/v1/activities', {
    type: 'email_sent',
    dealId: deal.id,
    contactId: contact.id,
    occurredAt: sentAt.toISOString(),
    subject: 'Proposal',
    messageId: `<${messageId}>`,
    providerMessageId: providerId,
  })
  expect(logged.status).toBe(201)
})

const sgEvent = (event: string, extra: object = {}) => ({
  email: contact.email,
  timestamp: Math.floor(Date.now() / 1000),
  event,
  sg_event_id: unique('sgev'),
  sg_message_id: `${providerId}.filterdrecv-5645d9c87f-abcde.0`,
  ...extra,
})

describe('email connections', () => {
  it('answers webhook and inbound URLs, never the secrets, and refuses bad settings with 400', async () => {
    expect(sendgrid.webhookUrl).toMatch(new RegExp(`/api/webhooks/email/sendgrid/${sendgrid.id}$`))
    expect(sendgrid.inboundUrl).toMatch(new RegExp(`/api/webhooks/email/inbound/${sendgrid.id}\\?token=`))
    const listed = JSON.stringify((await admin.get('/api/v1/integrations/email')).body)
    expect(listed).toContain(mailgun.id)
    expect(listed).not.toContain(signingKey)
    expect(listed).not.toContain(postmarkAuth.password)
    expect(listed).not.toContain('token=')
    const bad = await admin.post('/api/v1/integrations/email', { provider: 'mailgun', verification: { publicKey: 'x' } })
    expect(bad.status).toBe(400)
    expect((await admin.post('/api/v1/integrations/email', { provider: 'sparkpost', verification: {} })).status).toBe(400)
  })
})

describe('SendGrid event webhook (ECDSA)', () => {
  it('stores a correctly signed batch on the contact\'s deal, found by the provider message id', async () => {
    const answer = await sendgridPost([
      sgEvent('delivered'),
      sgEvent('processed'),
      sgEvent('click', { url: 'https://momentum.test/pricing', useragent: 'Mozilla/5.0 (Macintosh) AppleWebKit Safari/605' }),
    ])
    expect(answer.status).toBe(200)
    expect(await answer.json()).toMatchObject({ received: 2, inserted: 2, duplicates: 0 })
    expect(await emailEvents('email_clicked')).toEqual([
      expect.objectContaining({
        source: 'sendgrid',
        metadata: expect.objectContaining({ url: 'https://momentum.test/pricing', messageId }),
      }),
    ])
  })

  it('refuses a tampered body, a wrong key and a stale timestamp with 401, storing nothing', async () => {
    const before = (await timeline()).length
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    expect((await sendgridPost([sgEvent('open')], { tamper: true })).status).toBe(401)
    expect((await sendgridPost([sgEvent('open')], { key: other })).status).toBe(401)
    expect((await sendgridPost([sgEvent('open')], { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401)
    const unsigned = await fetch(`${baseURL}${path(sendgrid.webhookUrl)}`, { method: 'POST', body: JSON.stringify([sgEvent('open')]) })
    expect(unsigned.status).toBe(401)
    expect((await timeline()).length).toBe(before)
  })

  it('stores an event SendGrid retries 20 times once', async () => {
    const event = sgEvent('open', { useragent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/120', ip: '203.0.113.9' })
    const answers = []
    for (let i = 0; i < 20; i++) answers.push(await (await sendgridPost([event])).json())
    expect(answers.reduce((n, a) => n + a.inserted, 0)).toBe(1)
    expect(answers.reduce((n, a) => n + a.duplicates, 0)).toBe(19)
    expect((await emailEvents('email_opened')).filter(e => e.externalId === event.sg_event_id)).toHaveLength(1)
  })

  it('flags an Apple Mail Privacy Protection open as a machine open, and still stores it', async () => {
    const event = sgEvent('open', { useragent: 'Mozilla/5.0', ip: '17.58.101.42' })
    expect(await (await sendgridPost([event])).json()).toMatchObject({ inserted: 1, machine: 1 })
    const stored = (await emailEvents('email_opened')).find(e => e.externalId === event.sg_event_id)
    expect(stored.metadata).toMatchObject({ machine: true, machineReason: 'apple_privacy_proxy' })
  })
})

describe('Mailgun (HMAC) and Postmark (basic auth) webhooks', () => {
  const opened = () => ({
    'event': 'opened',
    'id': unique('mgev'),
    'timestamp': Date.now() / 1000,
    'recipient': contact.email,
    'message': { headers: { 'message-id': messageId } },
    'client-info': { 'user-agent': 'Mozilla/5.0 (iPhone) Mobile', 'client-type': 'mobile browser' },
  })

  it('stores a signed Mailgun event and refuses a bad signature, a stale timestamp and a replayed token', async () => {
    const body = mailgunBody(opened())
    const ok = await mailgunPost(body)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ inserted: 1 })
    expect((await mailgunPost({ ...body, 'event-data': opened() })).status).toBe(401) // the same token again
    expect((await mailgunPost(mailgunBody(opened(), { key: 'not-the-key' }))).status).toBe(401)
    expect((await mailgunPost(mailgunBody(opened(), { timestamp: Math.floor(Date.now() / 1000) - 3600 }))).status).toBe(401)
  })

  it('stores a Postmark bounce with the right credentials and refuses the wrong ones', async () => {
    const record = {
      RecordType: 'Bounce',
      MessageID: unique('pm'),
      Email: contact.email,
      BouncedAt: new Date().toISOString(),
      Type: 'HardBounce',
    }
    const post = (auth: string) =>
      fetch(`${baseURL}${path(postmark.webhookUrl)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'authorization': `Basic ${Buffer.from(auth).toString('base64')}` },
        body: JSON.stringify(record),
      })
    expect((await post(`${postmarkAuth.username}:wrong`)).status).toBe(401)
    expect((await (await post(`${postmarkAuth.username}:${postmarkAuth.password}`)).json())).toMatchObject({ inserted: 1 })
    expect((await emailEvents('email_bounced')).some(e => e.source === 'postmark')).toBe(true)
  })
})

describe('inbound replies', () => {
  const mime = (from: string, headers: string[]) =>
    [
      `From: Grace Buyer <${from}>`,
      'To: rep@momentum.test',
      `Subject: Re: Proposal`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${unique('reply')}@buyer.test>`,
      ...headers,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Looks good, let us talk Tuesday.',
      '',
    ].join('\r\n')
  const postMime = (url: string, body: string) =>
    fetch(`${baseURL}${path(url)}`, { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body })

  it('threads a reply by its References chain onto the deal of the message it answers, with the reply latency', async () => {
    const answer = await postMime(sendgrid.inboundUrl, mime(contact.email, [`References: <older@elsewhere.test> <${messageId}>`]))
    expect(answer.status).toBe(200)
    const threaded = await answer.json()
    expect(threaded).toMatchObject({ status: 'threaded', dealIds: [deal.id], contactId: contact.id })
    expect(threaded.latencyHours).toBeGreaterThanOrEqual(4.9)
    expect(threaded.latencyHours).toBeLessThanOrEqual(5.2)
    const reply = (await emailEvents('email_received')).find(e => e.source === 'email_inbound')
    expect(reply.metadata).toMatchObject({ repliesTo: messageId, subject: 'Re: Proposal', latencyHours: threaded.latencyHours })
  })

  it('keeps a reply from an unknown sender for review, and refuses a wrong token', async () => {
    const stranger = `${unique('stranger')}@nowhere.test`
    expect(await (await postMime(sendgrid.inboundUrl, mime(stranger, []))).json()).toEqual({ status: 'unmatched' })
    expect((await admin.get('/api/v1/integrations/email/unmatched')).body.data.map((m: Json) => m.from)).toContain(stranger)
    expect((await postMime(sendgrid.inboundUrl.replace(/token=.*/, 'token=guess'), mime(stranger, []))).status).toBe(401)
  })
})
