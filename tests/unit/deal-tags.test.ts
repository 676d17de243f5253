import { describe, expect, it } from 'vitest'
import { refusalOf } from '../../server/domain/deals/bulk'
import { DealCreateSchema, dedupeTags, TagsSchema } from '../../server/domain/deals/schemas'
import { badRequest, conflict, notFound } from '../../server/domain/core/errors'

describe('deal tags', () => {
  it('trims, drops repeats ignoring case (the first spelling stays) and keeps the order', () => {
    expect(TagsSchema.parse([' Renewal ', 'emea', 'RENEWAL', 'EMEA', 'q4'])).toEqual(['Renewal', 'emea', 'q4'])
    expect(dedupeTags(['a', 'A', 'b'])).toEqual(['a', 'b'])
  })

  it('refuses empty and over-long tags and more than 20 distinct ones, by path', () => {
    const issues = (tags: unknown) =>
      DealCreateSchema.safeParse({ name: 'x', amount: 1, tags }).error?.issues.map(i => [i.path.join('.'), i.message])
    expect(issues(['ok', '  '])).toEqual([['tags.1', 'a tag cannot be empty']])
    expect(issues(['x'.repeat(51)])).toEqual([['tags.0', 'a tag has at most 50 characters']])
    expect(issues(Array.from({ length: 21 }, (_, i) => `t${i}`))).toEqual([['tags', 'at most 20 tags']])
    // 21 given, 20 once the repeat is dropped: accepted.
    expect(TagsSchema.parse([...Array.from({ length: 20 }, (_, i) => `t${i}`), 'T0'])).toHaveLength(20)
  })
})

describe('bulk refusals', () => {
  it('says why a row was refused: a stage move with the allowed stages, a field, or the message', () => {
    expect(
      refusalOf('d1', conflict('cannot move', { error: 'invalid_transition', from: 'new', to: 'won', allowed: ['contacted', 'lost'] })),
    ).toEqual({ id: 'd1', reason: 'stage move not allowed', allowed: ['contacted', 'lost'] })
    expect(refusalOf('d2', badRequest('to', 'no stage x in this pipeline'))).toEqual({
      id: 'd2',
      reason: 'to: no stage x in this pipeline',
    })
    expect(refusalOf('d3', notFound('deal'))).toEqual({ id: 'd3', reason: 'deal not found' })
    expect(() => refusalOf('d4', new Error('boom'))).toThrow('boom')
  })
})
