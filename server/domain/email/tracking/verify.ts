import { createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto'

/**
 * Webhook signature checks, one per provider, on the raw request body. Pure: the time is given.
 * Each answers `null` when the request is genuine, else why not (for the 401, never logged with secrets).
 */

/** How old a signed timestamp may be (SendGrid's own check ignores it; Mailgun's too: we refuse stale ones). */
export const FRESH_SECONDS = 5 * 60

const fresh = (timestamp: string | undefined, now: Date) => {
  const at = Number(timestamp)
  return Number.isFinite(at) && Math.abs(now.getTime() / 1000 - at) <= FRESH_SECONDS
}

const equal = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b)

/**
 * SendGrid Event Webhook: an ECDSA (P-256, SHA-256) signature over timestamp + raw body, with
 * the public key SendGrid shows (base64 DER), in `X-Twilio-Email-Event-Webhook-Signature` / `-Timestamp`.
 */
export function verifySendgrid(
  publicKey: string,
  signature: string | undefined,
  timestamp: string | undefined,
  rawBody: Buffer,
  now: Date,
): string | null {
  if (!signature || !timestamp) return 'missing signature headers'
  if (!fresh(timestamp, now)) return 'stale timestamp'
  try {
    const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' })
    const ok = verify('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]), key, Buffer.from(signature, 'base64'))
    return ok ? null : 'bad signature'
  }
  catch {
    return 'bad signature'
  }
}

/** Mailgun: HMAC-SHA256 of timestamp + token with the signing key (hex), fresh; replays are refused by the caller. */
export function verifyMailgun(
  signingKey: string,
  signed: { timestamp?: unknown, token?: unknown, signature?: unknown } | undefined,
  now: Date,
): string | null {
  const { timestamp, token, signature } = signed ?? {}
  if (typeof timestamp !== 'string' || typeof token !== 'string' || typeof signature !== 'string') return 'missing signature'
  if (!fresh(timestamp, now)) return 'stale timestamp'
  const expected = createHmac('sha256', signingKey)
    .update(timestamp + token)
    .digest()
  return /^[0-9a-f]{64}$/i.test(signature) && equal(expected, Buffer.from(signature, 'hex')) ? null : 'bad signature'
}

/** Postmark: HTTP basic auth on the webhook URL. */
export function verifyBasicAuth(expected: { username: string, password: string }, authorization: string | undefined): string | null {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '')
  if (!match) return 'missing credentials'
  const given = Buffer.from(match[1]!, 'base64')
  return equal(given, Buffer.from(`${expected.username}:${expected.password}`, 'utf8')) ? null : 'bad credentials'
}
