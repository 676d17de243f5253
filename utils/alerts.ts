/** How Today shows an alert of each kind, and the one action it offers. */

/** What an alert asks of the rep: plan a next step (a task), log an activity, or open the deal. */
export type AlertAction = 'plan' | 'log' | 'open'

/** The kinds of alert (db/schema/momentum.ts ALERT_KINDS), as the app names them, with the action each offers. */
export const ALERT_LOOK: Record<string, { label: string, icon: string, action: AlertAction }> = {
  no_next_step: { label: 'No next step', icon: 'i-lucide-list-todo', action: 'plan' },
  stalling: { label: 'Stalling', icon: 'i-lucide-hourglass', action: 'log' },
  at_risk: { label: 'At risk', icon: 'i-lucide-triangle-alert', action: 'log' },
  quiet_after_proposal: { label: 'Gone quiet', icon: 'i-lucide-mail-question', action: 'log' },
  stage_overdue: { label: 'Stuck in stage', icon: 'i-lucide-clock-alert', action: 'open' },
  close_date_passed: { label: 'Close date passed', icon: 'i-lucide-calendar-x', action: 'open' },
  lost_only_contact: { label: 'Lost its contact', icon: 'i-lucide-user-x', action: 'open' },
}

/** An alert kind's look; an unknown kind reads as a plain alert that opens its deal. Pure. */
export const alertLook = (kind: string) => ALERT_LOOK[kind] ?? { label: 'Alert', icon: 'i-lucide-bell', action: 'open' as const }

/** The hour of the day a snooze ends at (local time): the start of a working day. */
const WAKE_HOUR = 8

/** Tomorrow at the start of the working day, local time. Pure. */
export function tomorrowMorning(now: Date) {
  const at = new Date(now)
  at.setDate(at.getDate() + 1)
  at.setHours(WAKE_HOUR, 0, 0, 0)
  return at
}

/** Next week's Monday at the start of the working day, local time (a week on, from a Monday). Pure. */
export function nextWeekMorning(now: Date) {
  const at = new Date(now)
  at.setDate(at.getDate() + (((8 - at.getDay()) % 7) || 7))
  at.setHours(WAKE_HOUR, 0, 0, 0)
  return at
}

/** A calendar day `YYYY-MM-DD` (as a date input gives it) at the start of the working day, local time; null if not a day. Pure. */
export function morningOf(day: string) {
  const [y, m, d] = day.split('-').map(Number)
  if (!y || !m || !d) return null
  const at = new Date(y, m - 1, d, WAKE_HOUR)
  return Number.isNaN(at.getTime()) ? null : at
}

/** The local calendar day `YYYY-MM-DD` of an instant (for a date input's value and bounds). Pure. */
export function localDay(at: Date) {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`
}

/** When a snooze ends, as people read it: `Tue, Dec 2`. Pure. */
export function formatWake(at: Date | string) {
  return new Date(at).toLocaleDateString('en-US', { weekday: 'short', month: 'short', day: 'numeric' })
}

/** An open alert as Today lists it (`GET /api/v1/alerts`, the dashboard's `alerts`). */
export interface TodayAlert {
  id: string
  kind: string
  message: string
  createdAt: string
  snoozedUntil?: string | null
  deal: { id: string, name: string, ownerId?: string }
}
