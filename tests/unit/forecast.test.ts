import { describe, expect, it } from 'vitest'
import { momentumFactors, projectedProbability, STATE_DISCOUNT } from '../../server/domain/forecast/forecast'
import { parsePeriod, periodOf, weeksOf } from '../../server/domain/forecast/periods'
import { calibrationBands } from '../../server/domain/momentum/calibration'

describe('forecast periods', () => {
  it('reads months and quarters as UTC day ranges, and refuses anything else', () => {
    expect(parsePeriod('2026-Q4')).toEqual({ key: '2026-Q4', kind: 'quarter', start: '2026-10-01', end: '2027-01-01' })
    expect(parsePeriod('2026-02')).toEqual({ key: '2026-02', kind: 'month', start: '2026-02-01', end: '2026-03-01' })
    for (const bad of ['2026-Q5', '2026-13', '26-Q1', '2026-1', 'Q4']) expect(parsePeriod(bad), bad).toBeNull()
    expect(periodOf(new Date('2026-11-22T10:00:00Z'), 'quarter').key).toBe('2026-Q4')
    expect(periodOf(new Date('2026-11-22T10:00:00Z'), 'month').key).toBe('2026-11')
  })

  it('lists the Mondays of a period up to a day', () => {
    expect(weeksOf(parsePeriod('2026-11')!)).toEqual(['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30'])
    expect(weeksOf(parsePeriod('2026-11')!, '2026-11-10')).toEqual(['2026-10-26', '2026-11-02', '2026-11-09'])
  })
})

describe('the momentum-adjusted projection', () => {
  it('keeps healthy deals at their probability and discounts stalling and at-risk ones', () => {
    const factors = momentumFactors(calibrationBands([]))
    expect(projectedProbability({ probability: 50, state: 'accelerating', score: 80 }, factors)).toBe(0.5)
    expect(projectedProbability({ probability: 50, state: null, score: null }, factors)).toBe(0.5)
    expect(projectedProbability({ probability: 50, state: 'stalling', score: 40 }, factors)).toBe(0.5 * STATE_DISCOUNT.stalling)
    expect(projectedProbability({ probability: 80, state: 'at_risk', score: 10 }, factors)).toBeCloseTo(0.8 * STATE_DISCOUNT.at_risk)
  })

  it('uses a score band\'s own win rate once it has 20 closed deals', () => {
    const outcomes = [...Array.from({ length: 15 }, () => ({ score: 10, won: false, codes: [] })), ...Array.from({ length: 5 }, () => ({ score: 15, won: true, codes: [] }))]
    const factors = momentumFactors(calibrationBands(outcomes))
    expect(factors.bands).toEqual([{ from: 0, to: 19, rate: 0.25 }])
    expect(projectedProbability({ probability: 80, state: 'at_risk', score: 12 }, factors)).toBe(0.25)
    expect(projectedProbability({ probability: 80, state: 'stalling', score: 45 }, factors)).toBeCloseTo(0.8 * STATE_DISCOUNT.stalling)
  })
})
