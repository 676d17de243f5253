import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { sql } from 'drizzle-orm'
import type { DatabaseHandle, Tx } from '../../../db/client'

/** The Postgres channel the live feed travels on between server processes. */
export const BUS_CHANNEL = 'momentum_bus'

export type BusTopic
  = | 'event.created'
    | 'deal.updated'
    | 'deal.score'
    | 'alert.created'
    | 'alert.closed'
    | 'billing.changed'
    | 'people.changed'
    | 'pipeline.changed'
    | 'records.changed'
    | 'views.refreshed'
    | 'notification.created'

/** What the live feed carries: small summaries that say which records changed, never whole rows. */
export interface BusMessage {
  tenantId: string
  topic: BusTopic
  data: Record<string, unknown>
  /** Set by `publish`: a message heard twice (at once here, then through NOTIFY) is delivered once. */
  id?: string
}

/** NOTIFY payloads must stay under 8,000 bytes. */
const MAX_PAYLOAD = 7000

/** What each open transaction published, for this process to hear as soon as it commits. */
const published = new WeakMap<object, BusMessage[]>()
let localDelivery: ((message: BusMessage) => void) | null = null

/** Where this process hears its own committed messages (the server's bus; nothing elsewhere). */
export function setLocalDelivery(deliver: ((message: BusMessage) => void) | null) {
  localDelivery = deliver
}

/**
 * Publishes messages from inside a transaction with `pg_notify`: Postgres delivers them at
 * commit to every listening process (and never if the transaction rolls back). This process
 * hears them as soon as the transaction commits (`deliverCommitted`), without waiting for the
 * notification to come back: its caches forget and its streams push before it answers.
 */
export async function publish(tx: Tx, messages: readonly BusMessage[]) {
  // A message too big to notify is heard nowhere, here included.
  const fitting = messages
    .map(m => ({ ...m, id: m.id ?? randomUUID() }))
    .map(m => ({ message: m, payload: JSON.stringify(m) }))
    .filter(m => m.payload.length <= MAX_PAYLOAD)
  if (fitting.length === 0) return
  await tx.execute(
    sql`select pg_notify(${BUS_CHANNEL}, p) from json_array_elements_text(${JSON.stringify(fitting.map(m => m.payload))}::json) as p`,
  )
  published.set(tx, [...(published.get(tx) ?? []), ...fitting.map(m => m.message)])
}

/** A savepoint `inner` of `outer` was released: what it published is the outer transaction's now. */
export function carryPublished(inner: object, outer: object) {
  const messages = published.get(inner)
  published.delete(inner)
  if (messages) published.set(outer, [...(published.get(outer) ?? []), ...messages])
}

/** Call once the transaction `tx` committed: this process hears what it published. */
export function deliverCommitted(tx: object) {
  const messages = published.get(tx)
  published.delete(tx)
  if (!messages || !localDelivery) return
  for (const message of messages) {
    try {
      localDelivery(message)
    }
    catch { /* a listener's fault never fails the transaction that already committed */ }
  }
}

/**
 * Says that something a dashboard shows changed though no deal message names it (an account, a
 * quota, a forecast adjustment): every process forgets the tenant's kept dashboards.
 */
export const recordsChanged = (tx: Tx, tenantId: string) => publish(tx, [{ tenantId, topic: 'records.changed', data: {} }])

/** The `event.created` messages for stored events: per tenant, the deals touched and the types, chunked to fit. */
export function eventCreatedMessages(
  tenantId: string,
  stored: readonly { id: string, type: string, dealId?: string | null, occurredAt: Date }[],
): BusMessage[] {
  const messages: BusMessage[] = []
  const chunk = 150
  for (let i = 0; i < stored.length; i += chunk) {
    const part = stored.slice(i, i + chunk)
    messages.push({
      tenantId,
      topic: 'event.created',
      data: {
        count: part.length,
        dealIds: [...new Set(part.map(e => e.dealId).filter(Boolean))],
        types: [...new Set(part.map(e => e.type))],
        latest: part.reduce((a, e) => (e.occurredAt > a ? e.occurredAt : a), part[0]!.occurredAt).toISOString(),
      },
    })
  }
  return messages
}

type Listener = (message: BusMessage) => void
const RECONNECTED = Symbol('reconnected')

/** The in-process side of the feed: subscribers per tenant (the live-updates stream uses it). */
export class LocalBus {
  private emitter = new EventEmitter().setMaxListeners(0)
  private live = false
  private seen = new Set<string>()

  subscribe(tenantId: string, listener: Listener): () => void {
    this.emitter.on(tenantId, listener)
    return () => this.emitter.off(tenantId, listener)
  }

  /** Every message of every tenant (process-wide concerns such as cache invalidation). */
  subscribeAll(listener: Listener): () => void {
    this.emitter.on('*', listener)
    return () => this.emitter.off('*', listener)
  }

  deliver(message: BusMessage) {
    if (message.id) {
      if (this.seen.has(message.id)) return
      this.seen.add(message.id)
      // Remember the last few thousand: a notification comes back within moments, or never.
      if (this.seen.size > 5000) this.seen.delete(this.seen.values().next().value!)
    }
    this.emitter.emit(message.tenantId, message)
    this.emitter.emit('*', message)
  }

  /** Called after the feed was cut and is back: messages may have been missed meanwhile. */
  onReconnect(listener: () => void): () => void {
    this.emitter.on(RECONNECTED, listener)
    return () => this.emitter.off(RECONNECTED, listener)
  }

  /** Whether the feed is connected now: while it is not, changes elsewhere go unheard. */
  isLive() {
    return this.live
  }

  /** Feeds this bus from the database's channel (LISTEN on a connection of its own). */
  async connect(handle: DatabaseHandle) {
    const stop = await handle.listen(BUS_CHANNEL, (payload) => {
      try {
        this.deliver(JSON.parse(payload) as BusMessage)
      }
      catch { /* not ours */ }
    }, {
      onLost: () => {
        this.live = false
      },
      onReconnect: () => {
        this.live = true
        this.emitter.emit(RECONNECTED)
      },
    })
    this.live = true
    return async () => {
      this.live = false
      await stop()
    }
  }
}
