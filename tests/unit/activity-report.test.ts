import { describe, expect, it } from 'vitest'
import {
  attainment, bucketOf, csvRows, CSV_COLUMNS, daysBetween, daysOf, isoWeek, leaderboard, MAX_RANGE_DAYS, presetRange, resolveRange,
  targetFor, weekStart, zeroCounts,
} from '../../shared/utils/activityReport'
import { ActivityQuerySchema, TargetsBodySchema } from '../../server/domain/reports/schemas'

describe('periods', () => {
  const today = '2026-12-04' // a Friday
  it('presets: this week, last week, this month, this quarter', () => {
    expect(presetRange('this_week', today)).toEqual({ from: '2026-11-30', to: today })
    expect(presetRange('last_week', today)).toEqual({ from: '2026-11-23', to: '2026-11-29' })
    expect(presetRange('this_month', today)).toEqual({ from: '2026-12-01', to: today })
    expect(presetRange('this_quarter', today)).toEqual({ from: '2026-10-01', to: today })
    expect(presetRange('this_week', '2026-11-30')).toEqual({ from: '2026-11-30', to: '2026-11-30' }) // a Monday
    expect(presetRange('this_week', '2026-12-06')).toEqual({ from: '2026-11-30', to: '2026-12-06' }) // a Sunday
  })
  it('resolves the query\'s range: defaults to this week, names the wrong field', () => {
    expect(resolveRange({}, today)).toEqual({ from: '2026-11-30', to: today })
    expect(resolveRange({ to: '2026-10-15' }, today)).toEqual({ from: '2026-10-12', to: '2026-10-15' })
    expect(resolveRange({ from: '2026-12-05', to: '2026-12-04' }, today)).toEqual({ field: 'from', message: 'must be on or before to' })
    expect(resolveRange({ from: '2025-01-01', to: '2026-02-04' }, today)).toEqual({ from: '2025-01-01', to: '2026-02-04' })
    expect(resolveRange({ from: '2025-01-01', to: '2026-02-05' }, today)).toMatchObject({ field: 'to' })
    expect(daysBetween('2025-01-01', '2026-02-04')).toBe(MAX_RANGE_DAYS)
  })
  it('the query schema: defaults, and 400s naming the field', () => {
    const parsed = ActivityQuerySchema.parse({})
    expect(parsed.groupBy).toBe('owner')
    expect(parsed.format).toBe('json')
    const paths = (q: unknown) => ActivityQuerySchema.safeParse(q).error?.issues.map(i => i.path.join('.'))
    expect(paths({ from: '2026-02-30' })).toEqual(['from'])
    expect(paths({ from: '2026-10-02', to: '2026-10-01' })).toEqual(['from'])
    expect(paths({ from: '2024-01-01', to: '2026-01-01' })).toEqual(['to'])
    expect(paths({ groupBy: 'month' })).toEqual(['groupBy'])
    expect(paths({ teamId: 'x' })).toEqual(['teamId'])
  })
})

describe('week bucketing', () => {
  it('Mondays and ISO weeks, across a year boundary', () => {
    expect(weekStart('2026-12-04')).toBe('2026-11-30')
    expect(weekStart('2026-11-30')).toBe('2026-11-30')
    expect(weekStart('2026-12-06')).toBe('2026-11-30')
    expect(isoWeek('2026-12-04')).toBe('2026-W49')
    expect(isoWeek('2027-01-01')).toBe('2026-W53') // 2026 has 53 ISO weeks; Jan 1 2027 is a Friday
    expect(isoWeek('2026-01-01')).toBe('2026-W01')
    expect(isoWeek('2024-12-30')).toBe('2025-W01')
    expect(bucketOf('2026-12-04', 'week')).toBe('2026-11-30')
    expect(bucketOf('2026-12-04', 'day')).toBe('2026-12-04')
    expect(daysOf('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02'])
  })
})

describe('targets and attainment', () => {
  it('prorates a weekly target to the days shown, attainment to three decimals', () => {
    expect(targetFor(70, 7)).toBe(70)
    expect(targetFor(70, 1)).toBe(10)
    expect(targetFor(10, 91)).toBe(130)
    expect(targetFor(5, 3)).toBe(2.1)
    expect(attainment(7, 10)).toBe(0.7)
    expect(attainment(2, 3)).toBe(0.667)
    expect(attainment(5, 0)).toBeNull()
    expect(attainment(5, null)).toBeNull()
  })
  it('the target body: whole numbers at least zero, known measures, a rep or a team', () => {
    const paths = (b: unknown) => TargetsBodySchema.safeParse(b).error?.issues.map(i => i.path.join('.'))
    const id = '7f3c0e6e-5b1a-4c2e-9d3a-1b2c3d4e5f60'
    const body = { ownerId: id, targets: { calls: 50, notes: null } }
    expect(TargetsBodySchema.parse(body)).toEqual(body)
    expect(paths({ ownerId: id, targets: { calls: -1 } })).toEqual(['targets.calls'])
    expect(paths({ ownerId: id, targets: {} })).toEqual(['targets'])
    expect(paths({ targets: { calls: 1 } })).toEqual(['ownerId'])
  })
})

describe('CSV rows and the leaderboard', () => {
  it('flattens each row into the CSV columns, targets and attainment empty when none', () => {
    const row = { ...zeroCounts(), key: 'k', label: 'Alice', calls: 3, targets: { calls: 6 }, attainment: { calls: 0.5 } }
    const [flat] = csvRows([row])
    expect(Object.keys(flat!).sort()).toEqual([...CSV_COLUMNS].sort())
    expect(flat).toMatchObject({ key: 'k', label: 'Alice', calls: 3, callsTarget: 6, callsAttainment: 0.5, notesTarget: null })
    expect(CSV_COLUMNS.slice(0, 11)).toEqual(['key', 'label', 'calls', 'callsConnected', 'emailsSent', 'emailsReceived', 'meetingsHeld',
      'notes', 'tasksCompleted', 'dealsCreated', 'stageMoves'])
  })
  it('ranks by a measure, ties by name', () => {
    const rows = [
      { ...zeroCounts(), label: 'Bob', calls: 5 },
      { ...zeroCounts(), label: 'Alice', calls: 5 },
      { ...zeroCounts(), label: 'Carl', calls: 9 },
    ]
    expect(leaderboard(rows, 'calls', 2).map(r => r.label)).toEqual(['Carl', 'Alice'])
  })
})
