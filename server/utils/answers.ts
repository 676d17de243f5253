import type { H3Event } from 'h3'
import { AnswerCache } from '../domain/answerCache'
import type { AuthContext } from './auth'

/**
 * Answers of the two hot reads, kept per caller and filter in this process, as the JSON text they
 * are sent as:
 * - the dashboard, forgotten for a tenant at any change its bus carries (an event stored, a score,
 *   an alert raised or dismissed, people or the pipeline changed, a plan change), and everywhere
 *   when the pipeline views are refreshed;
 * - the pipeline summary, read from the materialized view: forgotten when the views are refreshed,
 *   and for a tenant when its people or its pipeline change.
 * Every process hears of every change through Postgres NOTIFY. An answer lives 30 s at most (what
 * no message announces — a renamed account, a quota — shows within that). Kept only while the bus
 * is live, and all forgotten after it reconnects.
 */
const caches = {
  dashboard: new AnswerCache<string>({ ttlMs: 30_000, maxEntries: 200 }),
  summary: new AnswerCache<string>({ ttlMs: 30_000, maxEntries: 1000 }),
}
export type AnswerKind = keyof typeof caches
let watching = false

function watch() {
  if (watching) return
  watching = true
  bus.subscribeAll((message) => {
    if (message.topic === 'views.refreshed') {
      caches.dashboard.clear()
      caches.summary.clear()
      return
    }
    if (message.topic !== 'notification.created') caches.dashboard.forgetTenant(message.tenantId)
    if (message.topic === 'people.changed' || message.topic === 'pipeline.changed') caches.summary.forgetTenant(message.tenantId)
  })
  bus.onReconnect(() => Object.values(caches).forEach(c => c.clear()))
}

/** Who is asking and for what: answers are never shared between callers who might see differently. */
export function callerKey(auth: AuthContext, ...parts: (string | boolean | undefined)[]) {
  const sees = auth.access.scope === 'owners' ? auth.access.ownerIds.join(',') : 'tenant'
  return [auth.tenantId, auth.userId, auth.apiKeyId ?? '', auth.role, auth.teamId ?? '', sees, ...parts.map(p => String(p ?? ''))].join('|')
}

/**
 * Sends the kept answer for `key`, or `compute()`'s (kept for the next caller), as JSON;
 * `x-momentum-cache: hit|miss` says which.
 */
export async function sendCached(event: H3Event, kind: AnswerKind, tenantId: string, key: string, compute: () => Promise<unknown>): Promise<string> {
  watch()
  const cache = caches[kind]
  let json = cache.get(key, Date.now())
  setHeader(event, 'x-momentum-cache', json === undefined ? 'miss' : 'hit')
  if (json === undefined) {
    const generation = cache.generation(tenantId)
    json = JSON.stringify(await compute())
    if (bus.isLive()) cache.set(key, tenantId, generation, json, Date.now())
  }
  setHeader(event, 'content-type', 'application/json; charset=utf-8')
  return json
}
