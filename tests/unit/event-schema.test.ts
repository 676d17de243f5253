import { describe, expect, it } from 'vitest'
import { EventInputSchema } from '../../server/domain/events/schema'

const valid = {
  type: 'email_received',
  occurredAt: '2026-11-02T10:15:00+01:00',
  source: 'email',
  externalId: 'msg-1',
  actor: { email: 'Buyer@Example.com' },
  subject: { email: 'buyer@example.com' },
}

describe('the event schema', () => {
  it('accepts an event from the API contract and normalizes time and emails', () => {
    const event = EventInputSchema.parse(valid)
    expect(event.occurredAt.toISOString()).toBe('2026-11-02T09:15:00.000Z')
    expect(event.actor.email).toBe('buyer@example.com')
    expect(event.metadata).toEqual({})
  })

  it('requires a subject that names at least one record', () => {
    const result = EventInputSchema.safeParse({ ...valid, subject: {} })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.path).toEqual(['subject'])
  })

  it('refuses unknown types, times without an offset and unknown fields', () => {
    expect(EventInputSchema.safeParse({ ...valid, type: 'fax' }).success).toBe(false)
    expect(EventInputSchema.safeParse({ ...valid, occurredAt: '2026-11-02T10:15:00' }).success).toBe(false)
    expect(EventInputSchema.safeParse({ ...valid, color: 'blue' }).success).toBe(false)
  })
})
