import { lookup } from 'node:dns/promises'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'

/**
 * An address as its bytes (4 for IPv4, 16 for IPv6), or null when it is not an IP address.
 * IPv4 in its dotted form (as DNS and the URL parser give it); IPv6 in any RFC 4291 text form,
 * with or without brackets, an embedded dotted IPv4 tail or a zone (`%eth0`). Pure.
 */
export function addressBytes(text: string): Uint8Array | null {
  const ip = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '')
  const family = isIP(ip)
  if (family === 4) return Uint8Array.from(ip.split('.').map(Number))
  if (family !== 6) return null
  let head = ip.toLowerCase()
  const tail: number[] = []
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(head)
  if (dotted) {
    tail.push(...dotted[1]!.split('.').map(Number))
    head = `${head.slice(0, -dotted[1]!.length)}0:0`
  }
  const [left, right] = head.includes('::') ? head.split('::') as [string, string] : [head, null]
  const groups = (part: string) => (part ? part.split(':').map(g => Number.parseInt(g, 16)) : [])
  const l = groups(left)
  const r = right === null ? [] : groups(right)
  const words = right === null ? l : [...l, ...Array<number>(8 - l.length - r.length).fill(0), ...r]
  if (words.length !== 8) return null
  const bytes = new Uint8Array(16)
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8
    bytes[2 * i + 1] = w & 0xff
  })
  if (tail.length) bytes.set(tail, 12)
  return bytes
}

/** Whether `bytes` start with the first `bits` bits of `prefix`. */
function inRange(bytes: Uint8Array, prefix: readonly number[], bits: number): boolean {
  for (let bit = 0; bit < bits; bit += 8) {
    const mask = bits - bit >= 8 ? 0xff : (0xff << (8 - (bits - bit))) & 0xff
    if ((bytes[bit / 8]! & mask) !== ((prefix[bit / 8] ?? 0) & mask)) return false
  }
  return true
}

/** IPv4 ranges a webhook must never reach: not globally reachable unicast (RFC 6890 and its successors). */
const BLOCKED_V4: readonly [readonly number[], number, string][] = [
  [[0], 8, 'this network'],
  [[10], 8, 'private'],
  [[100, 64], 10, 'shared address space (carrier-grade NAT)'],
  [[127], 8, 'loopback'],
  [[169, 254], 16, 'link-local'],
  [[172, 16], 12, 'private'],
  [[192, 0, 0], 24, 'IETF protocol assignments'],
  [[192, 0, 2], 24, 'documentation'],
  [[192, 88, 99], 24, '6to4 relay anycast'],
  [[192, 168], 16, 'private'],
  [[198, 18], 15, 'benchmarking'],
  [[198, 51, 100], 24, 'documentation'],
  [[203, 0, 113], 24, 'documentation'],
  [[224], 4, 'multicast'],
  [[240], 4, 'reserved or broadcast'],
]

/** IPv6 ranges blocked as such (the ranges that embed an IPv4 address are judged by it, see `embeddedV4`). */
const BLOCKED_V6: readonly [readonly number[], number, string][] = [
  [[0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48, 'local-use NAT64'],
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, 'discard-only'],
  [[0x20, 0x01, 0x00, 0x00], 32, 'Teredo'],
  [[0x20, 0x01, 0x00, 0x02, 0, 0], 48, 'benchmarking'],
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'documentation'],
  [[0x3f, 0xff], 20, 'documentation'],
  [[0xfc], 7, 'unique local'],
  [[0xfe, 0x80], 10, 'link-local'],
  [[0xfe, 0xc0], 10, 'site-local'],
  [[0xff], 8, 'multicast'],
]

/**
 * The IPv4 address an IPv6 address carries and is routed to, if any: IPv4-mapped
 * (`::ffff:0:0/96`), IPv4-compatible (`::/96`, which takes in `::` and `::1`), NAT64
 * (`64:ff9b::/96`) and 6to4 (`2002::/16`).
 */
function embeddedV4(bytes: Uint8Array): Uint8Array | null {
  if (inRange(bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], 96)) return bytes.subarray(12)
  if (inRange(bytes, [], 96)) return bytes.subarray(12)
  if (inRange(bytes, [0x00, 0x64, 0xff, 0x9b], 96)) return bytes.subarray(12)
  if (inRange(bytes, [0x20, 0x02], 16)) return bytes.subarray(2, 6)
  return null
}

/**
 * Why an address may not be a webhook's target (the kind of range it is in), or null when it is a
 * public address. Not an IP address at all is blocked too. Pure.
 */
export function blockedRange(ip: string): string | null {
  const bytes = addressBytes(ip)
  if (!bytes) return 'not an IP address'
  const v4 = bytes.length === 4 ? bytes : embeddedV4(bytes)
  if (v4) {
    const hit = BLOCKED_V4.find(([prefix, bits]) => inRange(v4, prefix, bits))
    return hit ? hit[2] : null
  }
  return BLOCKED_V6.find(([prefix, bits]) => inRange(bytes, prefix, bits))?.[2] ?? null
}

/**
 * Whether an address is one an outbound webhook must never reach: private, loopback, link-local,
 * unspecified, shared, reserved, multicast or documentation, IPv4 or IPv6 — and IPv4 carried in
 * IPv6 (mapped, compatible, NAT64, 6to4) judged as that IPv4. Pure.
 */
export const isPrivateAddress = (ip: string): boolean => blockedRange(ip) !== null

export type Resolver = (host: string) => Promise<string[]>

const resolveAll: Resolver = async host => (await lookup(host, { all: true, verbatim: true })).map(a => a.address)

/** Where a webhook goes: the checked address it connects to, or why it may not be called. */
export type Target
  = { address: string, family: 4 | 6 } | { refused: string, category: 'invalid_target' | 'dns_failure' | 'blocked_address' }

/**
 * Resolves a webhook URL once and checks it: it must be http(s) without credentials, and every
 * address its host resolves to (an IP literal is its own answer) must be public — unless private
 * targets are allowed (WEBHOOKS_ALLOW_PRIVATE=1, for tests and closed networks). The answer is the
 * address to connect to, so what was checked is what is called (no second lookup to rebind).
 */
export async function resolveTarget(url: string, options: { allowPrivate: boolean, resolve?: Resolver }): Promise<Target> {
  let parsed: URL
  try {
    parsed = new URL(url)
  }
  catch {
    return { refused: 'not a URL', category: 'invalid_target' }
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return { refused: 'must be an http or https URL', category: 'invalid_target' }
  if (parsed.username || parsed.password) return { refused: 'must not carry credentials', category: 'invalid_target' }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1')
  let addresses: string[]
  try {
    addresses = isIP(host) ? [host] : await (options.resolve ?? resolveAll)(host)
  }
  catch {
    return { refused: 'the host does not resolve', category: 'dns_failure' }
  }
  if (!addresses.length) return { refused: 'the host does not resolve', category: 'dns_failure' }
  const blocked = options.allowPrivate ? undefined : addresses.find(isPrivateAddress)
  if (blocked) return { refused: `resolves to a private or loopback address (${blocked})`, category: 'blocked_address' }
  const address = addresses[0]!
  return { address, family: isIP(address) === 6 ? 6 : 4 }
}

/**
 * Why a webhook URL is refused (see `resolveTarget`), or null when it may be called. With private
 * targets allowed only the URL itself is checked (the host need not resolve yet).
 */
export async function refuseTarget(url: string, options: { allowPrivate: boolean, resolve?: Resolver }): Promise<string | null> {
  const target = await resolveTarget(url, options.allowPrivate ? { ...options, resolve: async () => ['127.0.0.1'] } : options)
  return 'refused' in target ? target.refused : null
}

export const allowPrivateTargets = (env: NodeJS.ProcessEnv = process.env) =>
  ['1', 'true', 'yes'].includes((env.WEBHOOKS_ALLOW_PRIVATE ?? '').toLowerCase())

/**
 * A connection's DNS lookup that answers only the address already checked, in the one-address
 * and the all-addresses forms Node asks for: the host name stays the request's (Host header, TLS
 * server name) while the socket goes to the checked address.
 */
export function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all)
      return (callback as unknown as (e: null, all: { address: string, family: number }[]) => void)(null, [{ address, family }])
    callback(null, address, family)
  }
}

/** How a failed delivery is logged: a category, never the network error's own text (which would tell open ports from closed ones). */
export const DELIVERY_FAILURES = {
  invalid_target: 'the URL cannot be called',
  dns_failure: 'the host does not resolve',
  blocked_address: 'the host is a private, loopback or reserved address',
  connection_refused: 'the connection was refused',
  timeout: 'no answer in time',
  tls_error: 'the TLS handshake failed',
  network_error: 'the connection failed',
  http_3xx: 'answered a redirect (not followed)',
  http_4xx: 'answered a client error',
  http_5xx: 'answered a server error',
  http_other: 'answered an unexpected status',
} as const
export type DeliveryFailure = keyof typeof DELIVERY_FAILURES

/** The category of a network error. Pure. */
export function networkFailure(error: unknown): DeliveryFailure {
  const { code, name } = (error ?? {}) as { code?: unknown, name?: unknown }
  if (name === 'AbortError' || name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ABORT_ERR') return 'timeout'
  if (code === 'ECONNREFUSED') return 'connection_refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns_failure'
  if (
    typeof code === 'string'
    && (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))
  )
    return 'tls_error'
  return 'network_error'
}

/** The category of a non-2xx answer. Pure. */
export const statusFailure = (status: number): DeliveryFailure =>
  status >= 300 && status < 400
    ? 'http_3xx'
    : status >= 400 && status < 500
      ? 'http_4xx'
      : status >= 500 && status < 600
        ? 'http_5xx'
        : 'http_other'

/**
 * POSTs `body` to `url`, connecting only to `target` (http or https), follows no redirect, reads
 * no answer: resolves to the status code; a network failure or `timeoutMs` without an answer
 * rejects with the network error.
 */
export function postTo(
  url: string,
  target: { address: string, family: 4 | 6 },
  init: { body: string, headers: Record<string, string>, timeoutMs: number },
): Promise<number> {
  const parsed = new URL(url)
  const send = parsed.protocol === 'https:' ? httpsRequest : httpRequest
  const literal = isIP(parsed.hostname.replace(/^\[(.*)\]$/, '$1')) !== 0
  return new Promise((resolve, reject) => {
    const request = send(
      parsed,
      {
        method: 'POST',
        signal: AbortSignal.timeout(init.timeoutMs),
        // An IP literal is connected to as is (Node looks nothing up): it is the address checked.
        ...(literal ? {} : { lookup: pinnedLookup(target.address, target.family) }),
        headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
      },
      (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
      },
    )
    request.on('error', reject)
    request.end(init.body)
  })
}
