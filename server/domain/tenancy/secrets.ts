import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto'

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

/**
 * The key third-party secrets are sealed with: ENCRYPTION_KEY (32 bytes, as 64 hex characters
 * or base64). Outside production, without it, a key is derived from NUXT_SESSION_PASSWORD so a
 * development setup works out of the box.
 */
export function encryptionKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const raw = env.ENCRYPTION_KEY?.trim()
  if (raw) {
    const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64')
    if (key.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes: 64 hex characters or base64')
    return key
  }
  if (env.NODE_ENV === 'production' || !env.NUXT_SESSION_PASSWORD) throw new Error('ENCRYPTION_KEY is not set')
  return createHash('sha256').update(`momentum-dev-encryption:${env.NUXT_SESSION_PASSWORD}`).digest()
}

/** Seals a value with AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>` (base64url). */
export function seal(value: unknown, key: Buffer = encryptionKey()): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
  return ['v1', iv, cipher.getAuthTag(), body].map(p => (typeof p === 'string' ? p : p.toString('base64url'))).join('.')
}

/** Opens what `seal` sealed; throws on a wrong key or a tampered value. */
export function unseal<T>(sealed: string, key: Buffer = encryptionKey()): T {
  const [version, iv, tag, body] = sealed.split('.')
  if (version !== 'v1' || !iv || !tag || !body) throw new Error('not a sealed value')
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')) as T
}
