/** Time arithmetic for tasks, reminders and sequences. Pure. */

const DAY = 86_400_000

export type DueFilter = 'overdue' | 'today' | 'upcoming'

/**
 * The due-time range of "overdue", "today" and "upcoming" for someone whose clock is
 * `offsetMinutes` ahead of UTC (the browser's `-getTimezoneOffset()`): overdue is before now,
 * today is from now to their midnight, upcoming is after it.
 */
export function dueWindow(filter: DueFilter, now: Date, offsetMinutes = 0): { from: Date | null, to: Date | null } {
  const local = now.getTime() + offsetMinutes * 60_000
  const endOfDay = new Date(Math.floor(local / DAY) * DAY + DAY - offsetMinutes * 60_000)
  if (filter === 'overdue') return { from: null, to: now }
  if (filter === 'today') return { from: now, to: endOfDay }
  return { from: endOfDay, to: null }
}

/** `days` calendar days after `from`. */
export const addDays = (from: Date, days: number) => new Date(from.getTime() + days * DAY)

/**
 * `days` business days after `from` (Saturdays and Sundays in UTC do not count), keeping the
 * time of day; a start on a weekend counts from the next Monday. Zero days is `from` itself.
 */
export function addBusinessDays(from: Date, days: number): Date {
  if (days <= 0) return new Date(from)
  const d = new Date(from)
  let left = days
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1)
    const weekday = d.getUTCDay()
    if (weekday !== 0 && weekday !== 6) left--
  }
  return d
}
