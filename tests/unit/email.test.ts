import { createHmac, generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { machineReason } from '../../server/domain/email/tracking/machine'
import { readInbound } from '../../server/domain/email/tracking/inbound'
import { NORMALIZERS, type EmailEvent } from '../../server/domain/email/tracking/normalize'
import { verifyBasicAuth, verifyMailgun, verifySendgrid } from '../../server/domain/email/tracking/verify'
import { seal, unseal } from '../../server/domain/tenancy/secrets'

const NOW = new Date('2026-11-22T10:00:00Z')
const ts = String(NOW.getTime() / 1000)

describe('webhook signatures', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const spki = publicKey.export({ format: 'der', type: 'spki' }).toString('base64')
  const body = Buffer.from('[{"event":"open"}]')
  const sg = (data: Buffer, at = ts) => sign('sha256', Buffer.concat([Buffer.from(at), data]), privateKey).toString('base64')

  it('accepts SendGrid\'s ECDSA signature over timestamp + raw body, and nothing else', () => {
    expect(verifySendgrid(spki, sg(body), ts, body, NOW)).toBeNull()
    expect(verifySendgrid(spki, sg(body), ts, Buffer.from('[{"event":"click"}]'), NOW)).toBe('bad signature')
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64')
    expect(verifySendgrid(other, sg(body), ts, body, NOW)).toBe('bad signature')
    const old = String(NOW.getTime() / 1000 - 600)
    expect(verifySendgrid(spki, sg(body, old), old, body, NOW)).toBe('stale timestamp')
    expect(verifySendgrid(spki, undefined, ts, body, NOW)).toBe('missing signature headers')
  })

  it('accepts Mailgun\'s HMAC of timestamp + token, fresh only', () => {
    const token = 'a'.repeat(50)
    const signature = createHmac('sha256', 'key-123').update(ts + token).digest('hex')
    expect(verifyMailgun('key-123', { timestamp: ts, token, signature }, NOW)).toBeNull()
    expect(verifyMailgun('key-456', { timestamp: ts, token, signature }, NOW)).toBe('bad signature')
    expect(verifyMailgun('key-123', { timestamp: String(Number(ts) - 600), token, signature }, NOW)).toBe('stale timestamp')
    expect(verifyMailgun('key-123', undefined, NOW)).toBe('missing signature')
  })

  it('accepts Postmark\'s basic auth pair only', () => {
    const header = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`
    expect(verifyBasicAuth({ username: 'u', password: 'secret-password' }, header('u:secret-password'))).toBeNull()
    expect(verifyBasicAuth({ username: 'u', password: 'secret-password' }, header('u:nope'))).toBe('bad credentials')
    expect(verifyBasicAuth({ username: 'u', password: 'secret-password' }, undefined)).toBe('missing credentials')
  })

  it('seals secrets so that only the key opens them', () => {
    const key = Buffer.alloc(32, 7)
    const sealed = seal({ signingKey: 'k' }, key)
    expect(sealed).not.toContain('signingKey')
    expect(unseal(sealed, key)).toEqual({ signingKey: 'k' })
    expect(() => unseal(sealed, Buffer.alloc(32, 8))).toThrow()
  })
})

describe('provider payloads', () => {
  it('maps SendGrid events and leaves out processing noise', () => {
    const events = NORMALIZERS.sendgrid([
      { event: 'processed', sg_event_id: 'e0', timestamp: 1 },
      {
        event: 'open',
        sg_event_id: 'e1',
        timestamp: 1_795_000_000,
        email: 'A@B.test',
        sg_message_id: 'XMSG.filter0001.1',
        useragent: 'Mozilla/5.0',
      },
      { event: 'dropped', sg_event_id: 'e2', timestamp: 1_795_000_000 },
    ])
    expect(events.map(e => [e.eventId, e.type, e.recipient, e.providerMessageId])).toEqual([
      ['e1', 'email_opened', 'a@b.test', 'XMSG'],
      ['e2', 'email_bounced', null, null],
    ])
  })

  it('counts only permanent Mailgun failures as bounces', () => {
    const event = (severity: string) => ({
      'event-data': { event: 'failed', severity, id: 'm1', timestamp: 1_795_000_000, recipient: 'x@y.test' },
    })
    expect(NORMALIZERS.mailgun(event('temporary'))).toEqual([])
    expect(NORMALIZERS.mailgun(event('permanent'))[0]).toMatchObject({ type: 'email_bounced', eventId: 'm1' })
  })

  it('gives Postmark records a stable event id', () => {
    const record = {
      RecordType: 'Click',
      MessageID: 'pm-1',
      ReceivedAt: '2026-11-22T09:00:00Z',
      Recipient: 'x@y.test',
      OriginalLink: 'https://a.test',
    }
    expect(NORMALIZERS.postmark(record)[0]!.eventId).toBe(NORMALIZERS.postmark({ ...record })[0]!.eventId)
    expect(NORMALIZERS.postmark({ ...record, OriginalLink: 'https://b.test' })[0]!.eventId).not.toBe(
      NORMALIZERS.postmark(record)[0]!.eventId,
    )
  })
})

describe('machine opens and clicks', () => {
  const base: EmailEvent = {
    eventId: 'e',
    type: 'email_opened',
    at: NOW,
    recipient: 'x@y.test',
    providerMessageId: 'M',
    messageId: null,
    userAgent: 'Mozilla/5.0 (Macintosh) Safari',
    ip: '203.0.113.5',
    url: null,
    client: null,
  }

  it('flags Apple\'s privacy proxy, security scanners and opens on delivery; a person\'s open passes', () => {
    expect(machineReason({ ...base, userAgent: 'Mozilla/5.0' }, null)).toBe('apple_privacy_proxy')
    expect(machineReason({ ...base, ip: '17.58.1.2' }, null)).toBe('apple_privacy_proxy')
    expect(machineReason({ ...base, userAgent: 'Mimecast-Scanner/1.0' }, null)).toBe('security_scanner')
    expect(machineReason(base, { deliveredAt: new Date(NOW.getTime() - 3000), lastClickAt: null, lastClickUrl: null })).toBe(
      'opened_on_delivery',
    )
    expect(machineReason(base, { deliveredAt: new Date(NOW.getTime() - 3_600_000), lastClickAt: null, lastClickUrl: null })).toBeNull()
  })

  it('flags clicks on several links within seconds as a scanner following every link', () => {
    const click = (url: string, ms: number): EmailEvent => ({ ...base, type: 'email_clicked', url, at: new Date(NOW.getTime() + ms) })
    const burst = [click('https://a.test', 0), click('https://b.test', 800), click('https://c.test', 1500)]
    expect(machineReason(burst[1]!, null, burst)).toBe('clicked_every_link')
    expect(machineReason(click('https://a.test', 0), null, [click('https://a.test', 0)])).toBeNull()
    expect(
      machineReason(click('https://b.test', 60_000), { deliveredAt: null, lastClickAt: NOW, lastClickUrl: 'https://a.test' }),
    ).toBeNull()
  })
})

describe('readInbound on mail nobody planned for (found by the fuzz suite and probing: these were 500s)', () => {
  const at = new Date('2026-11-30T10:00:00Z')
  it('falls back to the receiving time for a timestamp or Date header that is no date', async () => {
    expect((await readInbound({ fields: { 'Message-Id': '<a@b>', 'timestamp': 'soon', 'sender': 'x@y.test' } }, at))!.date).toEqual(at)
    // mailparser itself puts the parsing time in place of a bad Date header: a real date either way.
    const parsed = (await readInbound({ raw: Buffer.from('Message-ID: <m@x>\r\nDate: not a date\r\nFrom: a@b.test\r\n\r\nhi') }, at))!.date
    expect(Number.isNaN(parsed.getTime())).toBe(false)
  })

  it('drops NULs and unpaired surrogates from what it reads, so the email can be stored', async () => {
    const email = (await readInbound({ fields: { MessageID: 'id\u0000', Subject: 'Re: \uD800price\u0000', From: 'a@b.test' } }, at))!
    expect(email.messageId).toBe('id')
    expect(email.subject).toBe('Re: \uFFFDprice')
  })
})
