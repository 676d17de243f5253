import { describe, expect, it } from 'vitest'
import type { Tx } from '../../server/domain/core/db'
import { deliverCommitted, LocalBus, publish, setLocalDelivery, type BusMessage } from '../../server/domain/events/bus'

describe('the bus', () => {
  it('delivers a message heard twice (here at commit, then through NOTIFY) once', () => {
    const bus = new LocalBus()
    const heard: string[] = []
    bus.subscribe('t1', m => heard.push(m.topic))
    const message: BusMessage = { id: 'm-1', tenantId: 't1', topic: 'event.created', data: {} }
    bus.deliver(message)
    bus.deliver({ ...message })
    bus.deliver({ ...message, id: 'm-2' })
    expect(heard).toEqual(['event.created', 'event.created'])
  })

  it('lets this process hear what a transaction published once it commits, stamped with an id, and only once', async () => {
    const notified: unknown[] = []
    const tx = { execute: async (query: unknown) => notified.push(query) } as unknown as Tx
    const heard: BusMessage[] = []
    setLocalDelivery(m => heard.push(m))
    try {
      await publish(tx, [{ tenantId: 't1', topic: 'alert.closed', data: { alerts: [] } }])
      expect(notified).toHaveLength(1)
      expect(heard).toEqual([]) // not before the commit
      deliverCommitted(tx)
      expect(heard).toEqual([expect.objectContaining({ tenantId: 't1', topic: 'alert.closed', id: expect.any(String) })])
      deliverCommitted(tx)
      expect(heard).toHaveLength(1)
    }
    finally {
      setLocalDelivery(null)
    }
  })
})
