import { describe, expect, it } from 'vitest'
import { formatMoney } from '../../composables/useMoney'

describe('formatMoney', () => {
  it('drops the cents from 1,000 up and keeps them below, whatever the order of calls', () => {
    expect(formatMoney(12500)).toBe('$12,500')
    expect(formatMoney('999.5')).toBe('$999.50')
    expect(formatMoney(12500.75)).toBe('$12,501')
    expect(formatMoney(-1500)).toBe('-$1,500')
    expect(formatMoney(42)).toBe('$42.00')
  })

  it('formats each currency with its own symbol (a cached formatter per currency)', () => {
    expect(formatMoney(2000, 'EUR')).toBe('€2,000')
    expect(formatMoney(2000, 'USD')).toBe('$2,000')
    expect(formatMoney(12.5, 'GBP')).toBe('£12.50')
  })
})
