/**
 * Dates the API takes: years 1900 to 9999 (UTC). Outside them a date is a typo or a probe, and
 * past 9999 neither the ISO text forms nor the database's date input round-trip (year 0000 does
 * not exist in PostgreSQL at all). Pure.
 */
export const MIN_YEAR = 1900
export const MAX_YEAR = 9999
export const YEAR_RANGE = `a year from ${MIN_YEAR} to ${MAX_YEAR}`

/** Whether a year is one the API takes. */
export const yearInRange = (year: number) => Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR

/** Forecast periods: a month (`2026-11`) or a quarter (`2026-Q4`), in UTC days; the server's and the browser's. Pure. */

export interface Period {
  key: string
  kind: 'month' | 'quarter'
  /** First day, inclusive (`YYYY-MM-DD`). */
  start: string
  /** First day after the period (`YYYY-MM-DD`). */
  end: string
}

export const PERIOD_PATTERN = /^(\d{4})-(?:Q([1-4])|(0[1-9]|1[0-2]))$/

const day = (y: number, m: number) => new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10)

/** What a period key must be, in words (for the 400). */
export const PERIOD_RANGE = `a period from ${MIN_YEAR}-01 to ${MAX_YEAR}-11 or ${MAX_YEAR}-Q3 (it must end by ${MAX_YEAR}-12-31)`

/**
 * The period of a key, or null when it is not one: the pattern, in a year the API takes, ending
 * (its first day after) by the last day of MAX_YEAR, so every bound is a day the database takes.
 */
export function parsePeriod(key: string): Period | null {
  const match = PERIOD_PATTERN.exec(key)
  if (!match) return null
  const year = Number(match[1])
  const lastMonth = match[2] ? Number(match[2]) * 3 : Number(match[3])
  if (!yearInRange(year) || (year === MAX_YEAR && lastMonth === 12)) return null
  if (match[2]) {
    const first = (Number(match[2]) - 1) * 3
    return { key, kind: 'quarter', start: day(year, first), end: day(year, first + 3) }
  }
  const month = Number(match[3]) - 1
  return { key, kind: 'month', start: day(year, month), end: day(year, month + 1) }
}

/** The period of a kind that holds a day. */
export function periodOf(date: Date, kind: 'month' | 'quarter'): Period {
  const y = date.getUTCFullYear()
  const m = date.getUTCMonth()
  return parsePeriod(kind === 'month' ? `${y}-${String(m + 1).padStart(2, '0')}` : `${y}-Q${Math.floor(m / 3) + 1}`)!
}

/** The period of a kind `offset` periods after (or before) the one holding the day: next quarter, last month. */
export function periodAround(date: Date, kind: 'month' | 'quarter', offset = 0): Period {
  const step = kind === 'quarter' ? 3 : 1
  return periodOf(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset * step, 1)), kind)
}

/** The Mondays from the period's first week to its end (or `until`, if earlier): the history's x axis. */
export function weeksOf(period: Period, until?: string): string[] {
  const weeks: string[] = []
  const first = new Date(`${period.start}T00:00:00Z`)
  first.setUTCDate(first.getUTCDate() - ((first.getUTCDay() + 6) % 7))
  const stop = until && until < period.end ? until : period.end
  for (const d = first; d.toISOString().slice(0, 10) < stop; d.setUTCDate(d.getUTCDate() + 7)) weeks.push(d.toISOString().slice(0, 10))
  return weeks
}
