import { lookup as lookupCallback, type LookupAddress } from 'node:dns'
import { lookup } from 'node:dns/promises'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'

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

/**
 * The DNS lookup a webhook's connection makes, refusing a private or loopback answer (unless
 * private targets are allowed): the address checked is the address connected to, so a host that
 * resolved to a public address when checked cannot answer a private one when connected to (DNS
 * rebinding). Node asks for one address or, choosing between families, for all of them.
 */
export function guardedLookup(allowPrivate: boolean, base: typeof lookupCallback = lookupCallback): LookupFunction {
  return (hostname, options, callback) => {
    base(hostname, { ...options, all: true }, (error, found: LookupAddress[]) => {
      if (error) return callback(error, '', 0)
      const blocked = allowPrivate ? undefined : found.find(a => isPrivateAddress(a.address))
      if (blocked) {
        return callback(Object.assign(new Error(`resolves to a private or loopback address (${blocked.address})`), { code: 'EPRIVATE' }), '', 0)
      }
      if (!found.length) return callback(Object.assign(new Error('the host does not resolve'), { code: 'ENOTFOUND' }), '', 0)
      if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, found)
      callback(null, found[0]!.address, found[0]!.family)
    })
  }
}

/**
 * POSTs `body` to `url` through `lookup` (http or https), follows no redirect, reads no answer:
 * resolves to the status code; a network failure or `timeoutMs` without an answer rejects.
 */
export function postTo(url: string, init: { body: string, headers: Record<string, string>, timeoutMs: number, lookup: LookupFunction }): Promise<number> {
  const target = new URL(url)
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const request = send(target, {
      method: 'POST', lookup: init.lookup, signal: AbortSignal.timeout(init.timeoutMs),
      headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
    }, (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    request.on('error', error => reject(error.name === 'AbortError' || error.name === 'TimeoutError' ? new Error(`no answer in ${init.timeoutMs / 1000} s`) : error))
    request.end(init.body)
  })
}
