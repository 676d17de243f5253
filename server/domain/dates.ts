import { z } from 'zod'

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

/** Whether an instant is a valid date in a year the API takes (UTC). */
export const timeInRange = (at: Date) => !Number.isNaN(at.getTime()) && yearInRange(at.getUTCFullYear())

/** A calendar day `YYYY-MM-DD` (kept as text), in a year the API takes. */
export const IsoDay = (message = 'a date as YYYY-MM-DD') =>
  z.iso.date(message).refine(day => !/^\d{4}-/.test(day) || yearInRange(Number(day.slice(0, 4))), YEAR_RANGE)

/** An ISO 8601 date-time with an offset, as a Date, in a year the API takes (UTC). */
export const IsoDateTime = () =>
  z.iso.datetime({ offset: true }).transform(s => new Date(s)).refine(timeInRange, YEAR_RANGE)

/** The Date of a Unix time in seconds, or null when it is not one in a year the API takes. */
export function fromUnixSeconds(seconds: unknown): Date | null {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return null
  const at = new Date(seconds * 1000)
  return timeInRange(at) ? at : null
}
