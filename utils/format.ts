import { formatMoney } from '../composables/useMoney'

/**
 * How numbers, rates, times and keys are shown on every page. Each gives the same text on the
 * server and in the browser (a fixed locale, times in UTC), so a server-rendered page hydrates
 * without a mismatch. Pure.
 */

const numberFormats = new Map<number, Intl.NumberFormat>()

/** A count or a measure as people read it: `2,778,500`, `12.5` (at most `digits` decimals). */
export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  let format = numberFormats.get(digits)
  if (!format) {
    format = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits })
    numberFormats.set(digits, format)
  }
  return format.format(value)
}

/** A rate given as a fraction, as a percentage: `0.837` is `83.7 %` (`—` when there is none). */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—'
  return `${formatNumber(ratio * 100, digits)} %`
}

const dateTime = new Intl.DateTimeFormat('en-US', {
  month: 'short', day: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC',
})
const dateOnly = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' })

/** An instant: `Mar 3, 2026, 14:05 UTC` (`never` when there is none). */
export function formatDateTime(at: string | number | Date | null | undefined, none = 'never'): string {
  if (at === null || at === undefined || at === '') return none
  const date = new Date(at)
  return Number.isNaN(date.getTime()) ? String(at) : `${dateTime.format(date)} UTC`
}

/** The day of an instant, in UTC: `Mar 3, 2026` (`—` when there is none). */
export function formatDate(at: string | number | Date | null | undefined, none = '—'): string {
  if (at === null || at === undefined || at === '') return none
  const date = new Date(at)
  return Number.isNaN(date.getTime()) ? String(at) : dateOnly.format(date)
}

/** A key as a label: `past_due` is `Past due`, `forecast.quotas_set` is `Forecast: quotas set`, `bestCase` is `Best case`. */
export function labelOf(key: string | null | undefined): string {
  if (!key) return '—'
  const words = (part: string) => part.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase()
  const text = key.split('.').map(words).filter(Boolean).join(': ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** Keys whose numbers are amounts of money. */
const MONEY_KEYS = /amount|original|quota|value|revenue|price/i

/** One value of a details record, as text: amounts as money, numbers grouped, lists joined, records as `key: value`. */
export function formatDetailValue(key: string, value: unknown, currency = 'USD'): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'number') return MONEY_KEYS.test(key) ? formatMoney(value, currency) : formatNumber(value, 2)
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (Array.isArray(value)) return value.length ? value.map(v => formatDetailValue(key, v, currency)).join(', ') : 'none'
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${labelOf(k).toLowerCase()} ${formatDetailValue(k, v, currency)}`)
      .join(', ')
  }
  return String(value)
}

/** A details record (an audit entry's metadata, a run's details) as label and text pairs, in its own order. */
export function detailsOf(details: Record<string, unknown> | null | undefined, currency = 'USD'): { label: string, text: string }[] {
  return Object.entries(details ?? {}).map(([key, value]) => ({ label: labelOf(key), text: formatDetailValue(key, value, currency) }))
}
