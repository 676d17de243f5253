import { describe, expect, it } from 'vitest'
import { AnswerCache } from '../../server/domain/core/answerCache'

describe('the answer cache', () => {
  it('answers a kept value until its time is up', () => {
    const cache = new AnswerCache<string>({ ttlMs: 1000, maxEntries: 10 })
    expect(cache.set('a', 't1', cache.generation('t1'), 'board', 0)).toBe(true)
    expect(cache.get('a', 999)).toBe('board')
    expect(cache.get('a', 1000)).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('forgets only the tenant that changed', () => {
    const cache = new AnswerCache<string>({ ttlMs: 1000, maxEntries: 10 })
    cache.set('a', 't1', cache.generation('t1'), 'one', 0)
    cache.set('b', 't2', cache.generation('t2'), 'two', 0)
    cache.forgetTenant('t1')
    expect(cache.get('a', 1)).toBeUndefined()
    expect(cache.get('b', 1)).toBe('two')
  })

  it('does not keep an answer computed while its tenant changed', () => {
    const cache = new AnswerCache<string>({ ttlMs: 1000, maxEntries: 10 })
    const before = cache.generation('t1')
    cache.forgetTenant('t1') // a change lands while the answer is being computed
    expect(cache.set('a', 't1', before, 'stale', 0)).toBe(false)
    expect(cache.get('a', 1)).toBeUndefined()
    expect(cache.set('a', 't1', cache.generation('t1'), 'fresh', 0)).toBe(true)
    expect(cache.get('a', 1)).toBe('fresh')
  })

  it('keeps at most maxEntries, the oldest going first; clear forgets all and refuses answers begun before', () => {
    const cache = new AnswerCache<number>({ ttlMs: 1000, maxEntries: 2 })
    const g = cache.generation('t')
    cache.set('a', 't', g, 1, 0)
    cache.set('b', 't', g, 2, 0)
    cache.set('c', 't', g, 3, 0)
    expect([cache.get('a', 1), cache.get('b', 1), cache.get('c', 1)]).toEqual([undefined, 2, 3])
    const before = cache.generation('other')
    cache.clear()
    expect(cache.size).toBe(0)
    // Cleared (the change feed was cut): even a tenant that had nothing kept starts over.
    expect(cache.set('d', 'other', before, 4, 0)).toBe(false)
  })
})
