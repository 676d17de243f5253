import { AnswerCache } from '../domain/answerCache'

/**
 * The dashboard's answers, per caller and filter, in this process. Any change a tenant's bus
 * carries (an event stored, a score, an alert raised or dismissed, a plan change) forgets that
 * tenant's answers in every process (Postgres NOTIFY); the rest (a renamed account, a quota) shows
 * within the 30 s an answer lives. Kept only while the bus is live: a change made while it is cut
 * would go unheard, and after a reconnect everything is forgotten.
 */
const cache = new AnswerCache<unknown>({ ttlMs: 30_000, maxEntries: 200 })
let watching = false

function watch() {
  if (watching) return
  watching = true
  bus.subscribeAll(message => message.topic !== 'notification.created' && cache.forgetTenant(message.tenantId))
  bus.onReconnect(() => cache.clear())
}

/** The cached answer for `key`, or `compute()`'s, kept for the next caller; `hit` says which. */
export async function cachedDashboard<T>(tenantId: string, key: string, compute: () => Promise<T>): Promise<{ value: T, hit: boolean }> {
  watch()
  const hit = cache.get(key, Date.now()) as T | undefined
  if (hit !== undefined) return { value: hit, hit: true }
  const generation = cache.generation(tenantId)
  const value = await compute()
  if (bus.isLive()) cache.set(key, tenantId, generation, value, Date.now())
  return { value, hit: false }
}
