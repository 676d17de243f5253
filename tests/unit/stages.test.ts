import { describe, expect, it } from 'vitest'
import { checkTransition, DEFAULT_STAGES, pathBetween } from '../../server/domain/deals/stages'

describe('the default pipeline', () => {
  it('allows each open stage to move to the next one and to lost', () => {
    const order = ['new', 'contacted', 'qualified', 'proposal', 'negotiation', 'won']
    for (let i = 0; i < order.length - 1; i++) {
      expect(checkTransition(DEFAULT_STAGES, order[i]!, order[i + 1]!).ok).toBe(true)
      expect(checkTransition(DEFAULT_STAGES, order[i]!, 'lost').ok).toBe(true)
    }
  })

  it('refuses skipping stages and says which moves are allowed', () => {
    expect(checkTransition(DEFAULT_STAGES, 'new', 'proposal')).toEqual({
      ok: false,
      reason: 'invalid_transition',
      allowed: ['contacted', 'lost'],
    })
  })

  it('lets a lost deal reopen as new, and a won deal go nowhere', () => {
    expect(checkTransition(DEFAULT_STAGES, 'lost', 'new').ok).toBe(true)
    expect(checkTransition(DEFAULT_STAGES, 'won', 'lost')).toMatchObject({ ok: false, allowed: [] })
  })

  it('refuses unknown stages and moves to the same stage', () => {
    expect(checkTransition(DEFAULT_STAGES, 'new', 'closing')).toMatchObject({ ok: false, reason: 'unknown_stage' })
    expect(checkTransition(DEFAULT_STAGES, 'new', 'new')).toMatchObject({ ok: false, reason: 'same_stage' })
  })

  it('has the probabilities and forecast categories of the API contract', () => {
    expect(DEFAULT_STAGES.map(s => [s.key, s.probability, s.forecastCategory])).toEqual([
      ['new', 5, 'pipeline'], ['contacted', 10, 'pipeline'], ['qualified', 25, 'pipeline'], ['proposal', 50, 'best_case'],
      ['negotiation', 75, 'commit'], ['won', 100, 'closed'], ['lost', 0, 'omitted'],
    ])
  })

  it('finds the shortest path of allowed moves, or none', () => {
    expect(pathBetween(DEFAULT_STAGES, 'new', 'proposal')).toEqual(['contacted', 'qualified', 'proposal'])
    expect(pathBetween(DEFAULT_STAGES, 'won', 'new')).toBeNull()
  })
})
