import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'

const v4 = (ip: string) => ip.split('.').map(Number)

/**
 * Whether an address is private, loopback, link-local or unspecified — where an outbound
 * webhook must never go (10/8, 172.16/12, 192.168/16, 127/8, 169.254/16, 0.0.0.0/8, 100.64/10,
 * ::1, ::, fc00::/7, fe80::/10, and IPv4 mapped into IPv6). Pure.
 */
export function isPrivateAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped) return isPrivateAddress(mapped[1]!)
  if (isIP(ip) === 4) {
    const [a, b] = v4(ip) as [number, number]
    return a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)
      || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)
  }
  if (isIP(ip) === 6) {
    const lower = ip.toLowerCase()
    if (lower === '::1' || lower === '::') return true
    const first = Number.parseInt(lower.split(':')[0] || '0', 16)
    return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80
  }
  return true
}

export type Resolver = (host: string) => Promise<string[]>

const resolveAll: Resolver = async host => (await lookup(host, { all: true, verbatim: true })).map(a => a.address)

/**
 * Why a webhook URL is refused, or null when it may be called: it must be http(s), and every
 * address its host resolves to must be public — unless private targets are allowed
 * (WEBHOOKS_ALLOW_PRIVATE=1, for tests and closed networks).
 */
export async function refuseTarget(url: string, options: { allowPrivate: boolean, resolve?: Resolver }): Promise<string | null> {
  let parsed: URL
  try {
    parsed = new URL(url)
  }
  catch {
    return 'not a URL'
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an http or https URL'
  if (parsed.username || parsed.password) return 'must not carry credentials'
  if (options.allowPrivate) return null
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  let addresses: string[]
  try {
    addresses = isIP(host) ? [host] : await (options.resolve ?? resolveAll)(host)
  }
  catch {
    return 'the host does not resolve'
  }
  if (!addresses.length) return 'the host does not resolve'
  const blocked = addresses.find(isPrivateAddress)
  return blocked ? `resolves to a private or loopback address (${blocked})` : null
}

export const allowPrivateTargets = (env: NodeJS.ProcessEnv = process.env) => ['1', 'true', 'yes'].includes((env.WEBHOOKS_ALLOW_PRIVATE ?? '').toLowerCase())
