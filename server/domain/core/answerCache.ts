/**
 * A small in-memory cache of computed answers, kept per tenant: entries live `ttlMs` at most, a
 * tenant's entries are forgotten at once when something in it changes (`forgetTenant`, fed by the
 * bus), and an answer computed while a change happened is not kept (a generation per tenant), so a
 * slow computation can never store what the change made stale. At most `maxEntries`, oldest out.
 * Pure: the clock is passed in.
 */
export class AnswerCache<T> {
  private entries = new Map<string, { tenantId: string, value: T, until: number }>()
  private generations = new Map<string, number>()
  private epoch = 0

  constructor(private readonly options: { ttlMs: number, maxEntries: number }) {}

  get(key: string, now: number): T | undefined {
    const hit = this.entries.get(key)
    if (!hit) return undefined
    if (hit.until <= now) {
      this.entries.delete(key)
      return undefined
    }
    return hit.value
  }

  /** The tenant's generation: take it before computing, hand it to `set`. */
  generation(tenantId: string): string {
    return `${this.epoch}:${this.generations.get(tenantId) ?? 0}`
  }

  /**
   * Keeps the answer (for `ttlMs`, or less) unless the tenant changed (or everything was cleared)
   * since `generation` was taken.
   */
  set(key: string, tenantId: string, generation: string, value: T, now: number, ttlMs = this.options.ttlMs): boolean {
    if (this.generation(tenantId) !== generation) return false
    this.entries.delete(key)
    this.entries.set(key, { tenantId, value, until: now + Math.min(ttlMs, this.options.ttlMs) })
    while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    return true
  }

  forgetTenant(tenantId: string) {
    this.generations.set(tenantId, (this.generations.get(tenantId) ?? 0) + 1)
    for (const [key, entry] of this.entries) if (entry.tenantId === tenantId) this.entries.delete(key)
  }

  clear() {
    this.epoch++
    this.entries.clear()
  }

  get size() {
    return this.entries.size
  }
}
