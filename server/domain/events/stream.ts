import type { Access } from '../core/db'
import { isLiveTopic } from '../../../shared/utils/live'
import type { BusMessage } from './bus'

/** The deal ids a bus message is about. Pure. */
export function dealIdsOf(message: BusMessage): string[] {
  const data = message.data as { dealIds?: string[], deals?: { id: string }[], alerts?: { dealId: string }[], dealId?: string }
  return [
    ...new Set([
      ...(data.dealIds ?? []),
      ...(data.deals ?? []).map(d => d.id),
      ...(data.alerts ?? []).map(a => a.dealId),
      ...(data.dealId ? [data.dealId] : []),
    ]),
  ]
}

/** Whether a message may need a look at which of its deals the caller sees (`visibleDeals`). Pure. */
export function needsVisibility(message: BusMessage, access: Access): boolean {
  return (
    access.scope === 'owners' && isLiveTopic(message.topic) && message.topic !== 'notification.created' && dealIdsOf(message).length > 0
  )
}

/**
 * What of a bus message a caller's live stream gets, or null: nothing but the live topics, a
 * notification for its recipient alone, and of the deal messages what is about deals the
 * caller sees (`visible`: those of the message's deals they may see; unused for the whole
 * tenant). A caller limited to some owners gets nothing about no deal (an event on another's
 * contact, say) and only the deal ids — not the counts or types of events on others' deals. Pure.
 */
export function streamData(
  message: BusMessage,
  caller: { userId: string, access: Access },
  visible: ReadonlySet<string>,
): Record<string, unknown> | null {
  if (!isLiveTopic(message.topic)) return null
  if (message.topic === 'notification.created') return message.data.userId === caller.userId ? message.data : null
  if (caller.access.scope === 'tenant') return message.data
  const ids = dealIdsOf(message).filter(id => visible.has(id))
  if (!ids.length) return null
  if (message.topic === 'deal.score')
    return { deals: ((message.data.deals as { id: string }[] | undefined) ?? []).filter(d => visible.has(d.id)) }
  if (message.topic === 'alert.created' || message.topic === 'alert.closed')
    return { alerts: ((message.data.alerts as { dealId: string }[] | undefined) ?? []).filter(a => visible.has(a.dealId)), dealIds: ids }
  return { dealIds: ids }
}
