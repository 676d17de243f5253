import { z } from 'zod'

import { YEAR_RANGE, yearInRange } from '../../../shared/utils/periods'

/** Dates the API takes, as zod schemas and conversions; the year range itself is in shared/utils/periods.ts. */

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
