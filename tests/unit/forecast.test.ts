import { describe, expect, it } from 'vitest'
import { projectedProbability } from '../../server/domain/forecast/forecast'
import { parsePeriod, periodAround, periodOf, weeksOf } from '../../shared/utils/periods'

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

it('periodAround steps whole quarters and months across year ends (the forecast page\'s period picker)', () => {
  const day = new Date('2026-11-22T10:00:00Z')
  expect([-2, -1, 0, 1].map(k => periodAround(day, 'quarter', k).key)).toEqual(['2026-Q2', '2026-Q3', '2026-Q4', '2027-Q1'])
  expect([-11, 0, 2].map(k => periodAround(day, 'month', k).key)).toEqual(['2025-12', '2026-11', '2027-01'])
})

describe('the momentum-adjusted projection', () => {
  it('counts a scored deal at its win probability and an unscored one at its stage\'s probability', () => {
    expect(projectedProbability({ probability: 50, winProbability: 0.82 })).toBe(0.82)
    expect(projectedProbability({ probability: 75, winProbability: 0.2 })).toBe(0.2)
    expect(projectedProbability({ probability: 50, winProbability: null })).toBe(0.5)
  })
})
