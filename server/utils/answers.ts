import type { H3Event } from 'h3'
import type { AuthContext } from './auth'
import { busCache, type Forgets } from './busCache'

/**
 * Answers of the two hot reads, kept per caller and filter in this process, as the JSON text they
 * are sent as:
 * - the dashboard, forgotten for a tenant at any change its bus carries (an event stored, a deal
 *   edited, a score, an alert raised or dismissed, people, the pipeline, an account, a quota or an
 *   adjustment changed, a plan change), and everywhere when the pipeline views are refreshed;
 * - the pipeline summary, read from the materialized view: forgotten when the views are refreshed,
 *   and for a tenant when its people or its pipeline change.
 * Every process hears of every change through the bus (server/utils/busCache.ts). An answer lives
 * 30 s at most, for what no message announces (a contact renamed, shown in recent activity).
 */
const forgetsDashboard: Forgets = message =>
  message.topic === 'views.refreshed' ? 'all' : message.topic !== 'notification.created' && 'tenant'
const forgetsSummary: Forgets = message => message.topic === 'views.refreshed'
  ? 'all'
  : (message.topic === 'people.changed' || message.topic === 'pipeline.changed') && 'tenant'
const caches = {
  dashboard: busCache<string>({ ttlMs: 30_000, maxEntries: 200, forgets: forgetsDashboard }),
  summary: busCache<string>({ ttlMs: 30_000, maxEntries: 1000, forgets: forgetsSummary }),
}
export type AnswerKind = keyof typeof caches

/** Who is asking and for what: answers are never shared between callers who might see differently. */
function callerKey(auth: AuthContext, parts: readonly (string | boolean | undefined)[]) {
  const sees = auth.access.scope === 'owners' ? auth.access.ownerIds.join(',') : 'tenant'
  return [auth.tenantId, auth.userId, auth.apiKeyId ?? '', auth.role, auth.teamId ?? '', sees, ...parts.map(p => String(p ?? ''))].join('|')
}

/**
 * Sends the kept answer for this caller and `parts` (their filter), or `compute()`'s (kept for
 * the next one), as JSON; `x-momentum-cache: hit|miss` says which.
 */
export async function sendCached(
  event: H3Event,
  kind: AnswerKind,
  auth: AuthContext,
  parts: readonly (string | boolean | undefined)[],
  compute: () => Promise<unknown>,
): Promise<string> {
  const { value, hit } = await caches[kind].through(callerKey(auth, parts), auth.tenantId, async () => JSON.stringify(await compute()))
  setHeader(event, 'x-momentum-cache', hit ? 'hit' : 'miss')
  setHeader(event, 'content-type', 'application/json; charset=utf-8')
  return value
}
