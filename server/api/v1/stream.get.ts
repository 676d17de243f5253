import { and, eq, inArray } from 'drizzle-orm'
import { deals } from '../../../db/schema'
import { withAccess } from '../../domain/core/db'
import type { BusMessage } from '../../domain/events/bus'
import { dealIdsOf, needsVisibility, streamData } from '../../domain/events/stream'
import { SESSION_MAX_AGE_SECONDS } from '../../domain/tenancy/sessionPolicy'

export const meta = defineRoute({
  tag: 'Momentum',
  summary: 'Server-Sent Events: deal.updated, deal.score, alert.created, event.created for what the caller sees',
})

/**
 * Server-Sent Events for the live screens: `deal.updated`, `deal.score`, `alert.created`, `alert.closed` and
 * `event.created`, each narrowed to the deals the caller may see, and `notification.created` to
 * its recipient. Fed by the bus, so a change made
 * through any server process arrives here. The browser's EventSource reconnects on its own; the
 * page refetches its data when it does (catching up on what it missed) — also when the server
 * ends the stream because its own feed was cut and came back.
 *
 * The caller is checked again at every `people.changed` of the tenant: the stream ends once they
 * are deactivated, signed out or change role (or their key is revoked), and follows a change of
 * what they see. It also ends when the session reaches its maximum age.
 */
export default defineEventHandler(async (event) => {
  let auth = await requireAuth(event)
  const db = await useDb()
  const stream = createEventStream(event)
  let sent = 0
  let ended = false
  const deliver = async (message: BusMessage) => {
    const caller = auth
    let visible = new Set<string>()
    if (needsVisibility(message, caller.access)) {
      const rows = await withAccess(db, caller.access, tx => tx.select({ id: deals.id }).from(deals)
        .where(and(eq(deals.tenantId, caller.tenantId), inArray(deals.id, dealIdsOf(message)))))
      visible = new Set(rows.map(d => d.id))
    }
    const data = streamData(message, caller, visible)
    if (data && !ended) await stream.push({ id: String(++sent), event: message.topic, data: JSON.stringify(data) })
  }
  const end = () => {
    ended = true
    void stream.close()
  }
  // Who sees what changed in the tenant: is the caller still who they were? One check at a time.
  let checking: Promise<void> = Promise.resolve()
  const recheck = () => {
    checking = checking.then(async () => {
      if (ended) return
      const fresh = await recheckCaller(auth)
      if (fresh) auth = fresh
      else end()
    }).catch(() => end())
  }
  const unsubscribe = bus.subscribe(auth.tenantId, (message) => {
    if (message.topic === 'people.changed') return recheck()
    deliver(message).catch(() => undefined)
  })
  // The bus lost its connection for a while and may have missed changes: end the stream, so the
  // browser reconnects and the page refetches (as after any reconnect, which checks the caller anew).
  const offReconnect = bus.onReconnect(() => void stream.close())
  const heartbeat = setInterval(() => {
    stream.push({ event: 'ping', data: String(Date.now()) }).catch(() => undefined)
  }, 25_000)
  const expiry = auth.session
    ? setTimeout(end, Math.max(0, Date.parse(auth.session.loggedInAt) + SESSION_MAX_AGE_SECONDS * 1000 - Date.now()))
    : undefined
  stream.onClosed(async () => {
    ended = true
    clearInterval(heartbeat)
    clearTimeout(expiry)
    unsubscribe()
    offReconnect()
    await stream.close()
  })
  // Start sending first: a push before anyone reads the stream would wait for a reader.
  const sending = stream.send()
  stream.push({ event: 'ready', data: JSON.stringify({ at: new Date().toISOString() }) }).catch(() => undefined)
  return sending
})
