/**
 * A fixed-window rate limiter per key, in process memory (one per server process: public
 * webhooks are cheap to count and need no shared state to stop a flood). Pure but for its map.
 */
export class RateLimiter {
  private windows = new Map<string, { start: number, count: number }>()

  constructor(readonly limit: number, readonly windowMs: number) {}

  /** Counts a hit; answers 0 when allowed, else the seconds until the key's window ends. */
  hit(key: string, now = Date.now()): number {
    if (this.windows.size > 10_000) this.prune(now)
    const window = this.windows.get(key)
    if (!window || now - window.start >= this.windowMs) {
      this.windows.set(key, { start: now, count: 1 })
      return 0
    }
    window.count++
    return window.count > this.limit ? Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000)) : 0
  }

  private prune(now: number) {
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key)
  }
}

export interface WebhookLimits { perConnection: number, perAddress: number, windowMs: number }

/** `WEBHOOK_RATE_LIMIT="connection:600,address:1200"` (per minute); the defaults otherwise. */
export function webhookLimits(value: string | undefined): WebhookLimits {
  const limits: WebhookLimits = { perConnection: 600, perAddress: 1200, windowMs: 60_000 }
  for (const part of (value ?? '').split(',')) {
    const [name, raw] = part.split(':').map(s => s.trim())
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1) continue
    if (name === 'connection') limits.perConnection = n
    if (name === 'address') limits.perAddress = n
  }
  return limits
}

const EMAIL_KINDS = new Set(['sendgrid', 'mailgun', 'postmark', 'inbound'])

/**
 * Which inbound webhook a path is — `stripe`, `email:<provider>` for tracking events,
 * `email:inbound` for inbound mail, `other` — from a fixed set (an unknown provider segment is
 * `email:other`), so each sender's traffic is counted apart without a caller minting buckets.
 */
export function webhookKind(path: string): string {
  const [, first, second] = /^\/api\/webhooks\/([^/?]+)(?:\/([^/?]+))?/.exec(path) ?? []
  if (first === 'stripe') return 'stripe'
  if (first === 'email') return `email:${EMAIL_KINDS.has((second ?? '').toLowerCase()) ? second!.toLowerCase() : 'other'}`
  return 'other'
}

/**
 * The public webhooks' limits: per connection, and per address and webhook kind — a flood of one
 * kind from an address (say, Stripe's, from an egress address many senders share) does not
 * lock out the address's other webhooks. Answers 0 when allowed, else the seconds to wait.
 */
export class WebhookLimiter {
  private readonly perConnection: RateLimiter
  private readonly perAddress: RateLimiter

  constructor(limits: WebhookLimits) {
    this.perConnection = new RateLimiter(limits.perConnection, limits.windowMs)
    this.perAddress = new RateLimiter(limits.perAddress, limits.windowMs)
  }

  hit(path: string, address: string, now = Date.now()): number {
    const connection = webhookConnection(path)
    return Math.max(
      this.perAddress.hit(`address:${webhookKind(path)}:${address}`, now),
      connection ? this.perConnection.hit(`connection:${connection}`, now) : 0,
    )
  }
}

/** The connection a public webhook path names, if any (`/api/webhooks/email/<provider|inbound>/<id>`). */
export function webhookConnection(path: string): string | null {
  const match = /^\/api\/webhooks\/email\/[^/]+\/([^/?]+)/.exec(path)
  if (!match) return null
  try {
    return decodeURIComponent(match[1]!).toLowerCase()
  }
  catch {
    return match[1]!.toLowerCase()
  }
}
