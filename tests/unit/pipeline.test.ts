import { describe, expect, it } from 'vitest'
import { checkPipeline } from '../../server/domain/deals/pipeline'
import { DEFAULT_STAGES } from '../../server/domain/deals/stages'

const asInput = () =>
  DEFAULT_STAGES.map(s => ({
    key: s.key,
    name: s.name,
    order: s.position,
    probability: s.probability,
    forecastCategory: s.forecastCategory,
    allowedNext: [...s.allowedNext],
  }))

describe('checkPipeline', () => {
  it('accepts the default pipeline and infers won and lost from the forecast category', () => {
    const { stages, issues } = checkPipeline(asInput())
    expect(issues).toEqual([])
    expect(stages.map(s => s.kind)).toEqual(['open', 'open', 'open', 'open', 'open', 'won', 'lost'])
  })

  it('orders stages by their order and renumbers them', () => {
    const input = asInput().map(s => ({ ...s, order: s.order * 10 }))
    input.push({ key: 'demo', name: 'Demo', order: 25, probability: 20, forecastCategory: 'pipeline', allowedNext: ['qualified', 'lost'] })
    const { stages } = checkPipeline(input)
    expect(stages.map(s => [s.key, s.position])).toEqual([
      ['new', 1],
      ['contacted', 2],
      ['demo', 3],
      ['qualified', 4],
      ['proposal', 5],
      ['negotiation', 6],
      ['won', 7],
      ['lost', 8],
    ])
  })

  it('names every problem: duplicate keys, moves to unknown stages or to itself, a missing won stage', () => {
    const input = asInput()
      .filter(s => s.key !== 'won')
      .map(s => (s.key === 'negotiation' ? { ...s, allowedNext: ['won', 'negotiation'] } : s))
    input.push({ ...input[0]!, name: 'Again' })
    expect(checkPipeline(input).issues).toEqual([
      { path: 'stages.6.key', message: 'new appears twice' },
      { path: 'stages.4.allowedNext.0', message: 'no stage won' },
      { path: 'stages.4.allowedNext.1', message: 'a stage cannot move to itself' },
      { path: 'stages', message: 'the pipeline needs a won stage' },
    ])
  })
})
