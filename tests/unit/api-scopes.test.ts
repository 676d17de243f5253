import { describe, expect, it } from 'vitest'
import { API_ROUTES } from '../../server/openapi/routes'
import {
  describeScopes, normalizeScopes, rateRetryAfter, scopeNeeded, scopesGrant, scopesOfChoice,
} from '../../shared/utils/apiScopes'

describe('API key scopes', () => {
  it('puts every /api/v1 route in an area (a new tag fails here until it has one)', () => {
    const orphans = Object.entries(API_ROUTES).filter(([route, meta]) => !scopeNeeded(meta, route.split(' ')[0]!)).map(([route]) => route)
    expect(orphans).toEqual([])
  })

  it('needs read for GET and HEAD, write for the other methods, in the route\'s area (its meta\'s over its tag\'s)', () => {
    expect(scopeNeeded({ tag: 'Deals' }, 'GET')).toEqual({ area: 'deals', access: 'read' })
    expect(scopeNeeded({ tag: 'Contacts' }, 'head')).toEqual({ area: 'contacts', access: 'read' })
    expect(scopeNeeded({ tag: 'Events' }, 'POST')).toEqual({ area: 'events', access: 'write' })
    expect(scopeNeeded({ tag: 'Pipeline', area: 'admin' }, 'PUT')).toEqual({ area: 'admin', access: 'write' })
    expect(scopeNeeded({ tag: 'Nobody knows' }, 'GET')).toBeNull()
    expect(API_ROUTES['PUT /api/v1/pipeline/stages']?.area).toBe('admin')
  })

  it('grants read to read and write scopes, write only to write, per area or everywhere', () => {
    const dealsRead = { area: 'deals', access: 'read' } as const
    const dealsWrite = { area: 'deals', access: 'write' } as const
    expect(scopesGrant(['read'], dealsRead)).toBe(true)
    expect(scopesGrant(['read'], dealsWrite)).toBe(false)
    expect(scopesGrant(['write'], dealsWrite)).toBe(true)
    expect(scopesGrant(['deals:write'], dealsRead)).toBe(true)
    expect(scopesGrant(['deals:read'], dealsWrite)).toBe(false)
    expect(scopesGrant(['contacts:write'], dealsRead)).toBe(false)
    expect(scopesGrant([], dealsRead)).toBe(false)
  })

  it('keeps scopes minimal and in order: duplicates and covered scopes dropped', () => {
    expect(normalizeScopes(['deals:read', 'read', 'read'])).toEqual(['read'])
    expect(normalizeScopes(['read', 'write', 'events:write'])).toEqual(['write'])
    expect(normalizeScopes(['events:write', 'deals:read', 'events:read'])).toEqual(['deals:read', 'events:write'])
    expect(normalizeScopes(['read', 'deals:write'])).toEqual(['read', 'deals:write'])
  })

  it('turns a choice per area into scopes, and scopes into words', () => {
    expect(scopesOfChoice({ deals: 'read', contacts: 'read', events: 'read', admin: 'read' })).toEqual(['read'])
    expect(scopesOfChoice({ deals: 'write', contacts: 'none', events: 'read', admin: 'none' })).toEqual(['deals:write', 'events:read'])
    expect(scopesOfChoice({ deals: 'none', contacts: 'none', events: 'none', admin: 'none' })).toEqual([])
    expect(describeScopes(['write'])).toBe('Read and write, every area')
    expect(describeScopes(['read'])).toBe('Read, every area')
    expect(describeScopes(['deals:write', 'events:read'])).toBe('Deals: read and write · Events: read')
    expect(describeScopes(['read', 'deals:write'])).toBe('Deals: read and write · Contacts: read · Events: read · Admin: read')
    expect(describeScopes([])).toBe('No access')
  })

  it('makes an over-rate caller wait until the minute\'s window ends, at least a second', () => {
    const start = new Date('2026-12-04T10:00:00Z')
    expect(rateRetryAfter(3, 3, start, new Date('2026-12-04T10:00:20Z'))).toBe(0)
    expect(rateRetryAfter(4, 3, start, new Date('2026-12-04T10:00:20Z'))).toBe(40)
    expect(rateRetryAfter(4, 3, start, new Date('2026-12-04T10:00:59.900Z'))).toBe(1)
  })
})
