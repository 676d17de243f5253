import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** A random URL-safe token of `bytes` bytes. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url')

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

export function sameHash(a: string, b: string) {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const API_KEY = /^mk_([a-z0-9]{12})_([\w-]{32,64})$/

/** A new API key: `mk_<prefix>_<secret>`. The prefix finds it; only the secret's hash is kept. */
export function newApiKey() {
  const prefix = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '').padEnd(12, '0').slice(0, 12)
  const secret = randomToken(32)
  return { key: `mk_${prefix}_${secret}`, prefix, secretHash: sha256(secret) }
}

export function parseApiKey(key: string): { prefix: string, secret: string } | null {
  const match = API_KEY.exec(key)
  return match ? { prefix: match[1]!, secret: match[2]! } : null
}
