import { describe, expect, it } from 'vitest'
import { detailsOf, formatDate, formatDateTime, formatNumber, formatPercent, labelOf } from '../../utils/format'

describe('the page formatters', () => {
  it('shows rates as percentages and numbers grouped, a dash for none', () => {
    expect(formatPercent(0.837)).toBe('83.7 %')
    expect(formatPercent(1)).toBe('100 %')
    expect(formatPercent(0.5, 0)).toBe('50 %')
    expect(formatPercent(null)).toBe('—')
    expect(formatNumber(2778500)).toBe('2,778,500')
    expect(formatNumber(12.345, 1)).toBe('12.3')
    expect(formatNumber(Number.NaN)).toBe('—')
  })

  it('shows times in UTC with a fixed locale, so the server and the browser write the same text', () => {
    expect(formatDateTime('2026-03-03T14:05:09Z')).toBe('Mar 3, 2026, 14:05 UTC')
    expect(formatDateTime(null)).toBe('never')
    expect(formatDate('2026-12-31T23:30:00Z')).toBe('Dec 31, 2026')
    expect(formatDate(null)).toBe('—')
  })

  it('turns keys into labels', () => {
    expect(labelOf('past_due')).toBe('Past due')
    expect(labelOf('forecast.quotas_set')).toBe('Forecast: quotas set')
    expect(labelOf('bestCase')).toBe('Best case')
    expect(labelOf('webhooks:deliver')).toBe('Webhooks:deliver')
  })

  it('writes a details record as label and text pairs, never [object Object]', () => {
    const details = detailsOf({
      period: '2026-Q3', original: 30000, amount: 28000, reps: 3, from: { stage: 'new' }, tags: ['a', 'b'], ok: true,
    })
    expect(details).toEqual([
      { label: 'Period', text: '2026-Q3' },
      { label: 'Original', text: '$30,000' },
      { label: 'Amount', text: '$28,000' },
      { label: 'Reps', text: '3' },
      { label: 'From', text: 'stage new' },
      { label: 'Tags', text: 'a, b' },
      { label: 'Ok', text: 'yes' },
    ])
    expect(JSON.stringify(details)).not.toContain('[object Object]')
    expect(detailsOf(null)).toEqual([])
  })
})
