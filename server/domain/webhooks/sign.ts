import { createHmac, timingSafeEqual } from 'node:crypto'

/** The header a receiver checks: `Momentum-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`. */
export const SIGNATURE_HEADER = 'Momentum-Signature'

/** Signs a delivery's raw body at a time. Pure. */
export function signatureHeader(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000)
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`
}

/**
 * Checks a signature header as a receiver should: the HMAC of the timestamp and the raw body
 * under the subscription's secret, and a timestamp within `toleranceSeconds` of now. Pure.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string | null | undefined,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map((header ?? '').split(',').map(p => p.trim().split('=') as [string, string]))
  const t = Number(parts.get('t'))
  const v1 = parts.get('v1')
  if (!Number.isInteger(t) || !v1 || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'))
  const given = Buffer.from(v1)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
