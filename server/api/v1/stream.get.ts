import { and, eq, inArray } from 'drizzle-orm'
import { deals } from '../../../db/schema'
import { withAccess } from '../../domain/db'
import type { BusMessage } from '../../domain/events/bus'

/** The deal ids a bus message is about. */
function dealIdsOf(message: BusMessage): string[] {
  const data = message.data as { dealIds?: string[], deals?: { id: string }[], alerts?: { dealId: string }[], dealId?: string }
  return [...new Set([...(data.dealIds ?? []), ...(data.deals ?? []).map(d => d.id), ...(data.alerts ?? []).map(a => a.dealId), ...(data.dealId ? [data.dealId] : [])])]
}

/**
 * Server-Sent Events for the live screens: `deal.updated`, `deal.score`, `alert.created`, `alert.closed` and
 * `event.created`, each narrowed to the deals the caller may see, and `notification.created` to
 * its recipient. Fed by the bus, so a change made
 * through any server process arrives here. The browser's EventSource reconnects on its own; the
 * page refetches its data when it does (catching up on what it missed) — also when the server
 * ends the stream because its own feed was cut and came back.
 */
export default defineEventHandler(async (event) => {
  const auth = await requireAuth(event)
  const db = await useDb()
  const stream = createEventStream(event)
  let sent = 0
  const deliver = async (message: BusMessage) => {
    if (['billing.changed', 'people.changed', 'pipeline.changed', 'records.changed', 'views.refreshed'].includes(message.topic)) return
    // A notification is for its recipient alone.
    if (message.topic === 'notification.created') {
      if (message.data.userId !== auth.userId) return
      await stream.push({ id: String(++sent), event: message.topic, data: JSON.stringify(message.data) })
      return
    }
    let ids = dealIdsOf(message)
    if (auth.access.scope === 'owners' && ids.length) {
      const visible = await withAccess(db, auth.access, tx => tx.select({ id: deals.id }).from(deals)
        .where(and(eq(deals.tenantId, auth.tenantId), inArray(deals.id, ids))))
      const allowed = new Set(visible.map(d => d.id))
      ids = ids.filter(id => allowed.has(id))
      if (!ids.length) return
    }
    const data = message.topic === 'deal.score'
      ? { deals: (message.data.deals as { id: string }[]).filter(d => ids.includes(d.id)) }
      : message.topic === 'alert.created'
        ? { alerts: (message.data.alerts as { dealId: string }[]).filter(a => ids.includes(a.dealId)) }
        : { ...message.data, dealIds: ids }
    await stream.push({ id: String(++sent), event: message.topic, data: JSON.stringify(data) })
  }
  const unsubscribe = bus.subscribe(auth.tenantId, (message) => {
    deliver(message).catch(() => undefined)
  })
  // The bus lost its connection for a while and may have missed changes: end the stream, so the
  // browser reconnects and the page refetches (as after any reconnect).
  const offReconnect = bus.onReconnect(() => void stream.close())
  const heartbeat = setInterval(() => {
    stream.push({ event: 'ping', data: String(Date.now()) }).catch(() => undefined)
  }, 25_000)
  stream.onClosed(async () => {
    clearInterval(heartbeat)
    unsubscribe()
    offReconnect()
    await stream.close()
  })
  // Start sending first: a push before anyone reads the stream would wait for a reader.
  const sending = stream.send()
  stream.push({ event: 'ready', data: JSON.stringify({ at: new Date().toISOString() }) }).catch(() => undefined)
  return sending
})
