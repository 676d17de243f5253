import { describe, expect, it } from 'vitest'
import { parseEventBatch } from '../../server/domain/events/ingest'

const event = (i: number) => ({
  type: 'call', occurredAt: '2026-11-20T10:00:00Z', source: 'dialer', externalId: `call-${i}`,
  actor: { email: 'rep@x.test' }, subject: { contactId: '00000000-0000-4000-8000-000000000001' },
})

describe('parseEventBatch', () => {
  it('takes one event or a batch of them', () => {
    expect(parseEventBatch(event(1))).toHaveLength(1)
    expect(parseEventBatch({ events: [event(1), event(2)] })).toHaveLength(2)
  })

  it('reports every bad item with its index and path', () => {
    const bad = { events: [event(0), { ...event(1), type: 'fax' }, event(2), { ...event(3), subject: {} }] }
    expect(() => parseEventBatch(bad)).toThrowError(expect.objectContaining({
      statusCode: 400,
      data: { issues: [
        expect.objectContaining({ index: 1, path: 'type' }),
        { index: 3, path: 'subject', message: 'subject must name a deal, contact, account or email' },
      ] },
    }))
  })

  it('refuses an empty batch and one of more than 5,000', () => {
    expect(() => parseEventBatch({ events: [] })).toThrowError(
      expect.objectContaining({ data: { issues: [{ path: 'events', message: 'at least one event' }] } }),
    )
    expect(() => parseEventBatch({ events: Array.from({ length: 5001 }, (_, i) => event(i)) }))
      .toThrowError(expect.objectContaining({ data: { issues: [{ path: 'events', message: 'at most 5000 events' }] } }))
  })

  it('refuses a single event with the fields named', () => {
    expect(() => parseEventBatch({ type: 'call' })).toThrowError(expect.objectContaining({ statusCode: 400 }))
  })
})
