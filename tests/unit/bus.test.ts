import { describe, expect, it } from 'vitest'
import type { DatabaseHandle, ListenHooks } from '../../db/client'
import { LocalBus } from '../../server/domain/events/bus'

/** A database handle whose LISTEN connection the test drops and restores. */
function fakeHandle() {
  const state: { hooks?: ListenHooks, deliver?: (payload: string) => void } = {}
  const handle = {
    listen: async (_channel: string, onPayload: (payload: string) => void, hooks?: ListenHooks) => {
      state.deliver = onPayload
      state.hooks = hooks
      return async () => {}
    },
  } as unknown as DatabaseHandle
  return { handle, state }
}

describe('the bus across a dropped LISTEN connection', () => {
  it('says it is not live while the connection is down, and tells its listeners when it is back', async () => {
    const bus = new LocalBus()
    const { handle, state } = fakeHandle()
    expect(bus.isLive()).toBe(false)
    await bus.connect(handle)
    expect(bus.isLive()).toBe(true)
    let reconnects = 0
    bus.onReconnect(() => reconnects++)
    state.hooks!.onLost!()
    expect(bus.isLive()).toBe(false)
    state.hooks!.onReconnect!()
    expect(bus.isLive()).toBe(true)
    expect(reconnects).toBe(1)
  })

  it('delivers what the connection hears to the tenant\'s and the process-wide listeners', async () => {
    const bus = new LocalBus()
    const { handle, state } = fakeHandle()
    await bus.connect(handle)
    const heard: string[] = []
    bus.subscribe('t1', m => heard.push(`t1:${m.topic}`))
    bus.subscribeAll(m => heard.push(`all:${m.topic}`))
    state.deliver!(JSON.stringify({ tenantId: 't1', topic: 'billing.changed', data: {} }))
    state.deliver!('not json')
    expect(heard).toEqual(['t1:billing.changed', 'all:billing.changed'])
  })
})
