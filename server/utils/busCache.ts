import type { BusMessage } from '../domain/events/bus'
import { AnswerCache } from '../domain/core/answerCache'

/** What a bus message means for a cache: forget its tenant's entries, everything, or nothing. */
export type Forgets = (message: BusMessage) => 'tenant' | 'all' | false

export interface BusCacheOptions<T> {
  ttlMs: number
  maxEntries: number
  forgets: Forgets
  /** Whether an answer is worth keeping (default: all). */
  keep?: (value: T) => boolean
  /** A shorter life for this answer than `ttlMs` (e.g. until a grace period ends). */
  ttlOf?: (value: T, now: number) => number
}

/**
 * A per-process cache of answers that the bus keeps honest: every process hears each change on
 * the bus (and the one that committed it, at commit), and `forgets` says whose answers it makes
 * stale. An answer computed while its tenant changed is not kept (AnswerCache's generations).
 * While the bus is not live a change could go unheard, so nothing is read or kept then, and all
 * is forgotten when it reconnects.
 */
export function busCache<T>(options: BusCacheOptions<T>) {
  const cache = new AnswerCache<T>(options)
  let watching = false
  const watch = () => {
    if (watching) return
    watching = true
    bus.subscribeAll((message) => {
      const forget = options.forgets(message)
      if (forget === 'all') cache.clear()
      else if (forget) cache.forgetTenant(message.tenantId)
    })
    bus.onReconnect(() => cache.clear())
  }
  return {
    /** The kept answer for `key`, or `compute()`'s (kept for the next caller); `hit` says which. */
    async through(key: string, tenantId: string, compute: () => Promise<T>): Promise<{ value: T, hit: boolean }> {
      watch()
      if (!bus.isLive()) return { value: await compute(), hit: false }
      const kept = cache.get(key, Date.now())
      if (kept !== undefined) return { value: kept, hit: true }
      const generation = cache.generation(tenantId)
      const value = await compute()
      const now = Date.now()
      if (bus.isLive() && (options.keep?.(value) ?? true)) cache.set(key, tenantId, generation, value, now, options.ttlOf?.(value, now))
      return { value, hit: false }
    },
  }
}
