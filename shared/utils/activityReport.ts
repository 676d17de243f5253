/**
 * The activity report's pure parts, shared by the server and the pages: the measures, periods
 * (presets, ranges, ISO weeks), targets prorated to a span, attainment and CSV rows. UTC days
 * throughout (`YYYY-MM-DD`). Pure.
 */

/** The measures in the Contract's order: the API field, the rollup's measure name and a label. */
export const MEASURES = [
  { field: 'calls', measure: 'calls', label: 'Calls' },
  { field: 'callsConnected', measure: 'calls_connected', label: 'Connected calls' },
  { field: 'emailsSent', measure: 'emails_sent', label: 'Emails sent' },
  { field: 'emailsReceived', measure: 'emails_received', label: 'Emails received' },
  { field: 'meetingsHeld', measure: 'meetings_held', label: 'Meetings held' },
  { field: 'notes', measure: 'notes', label: 'Notes' },
  { field: 'tasksCompleted', measure: 'tasks_completed', label: 'Tasks completed' },
  { field: 'dealsCreated', measure: 'deals_created', label: 'Deals created' },
  { field: 'stageMoves', measure: 'stage_moves', label: 'Stage moves' },
] as const

export type MeasureField = (typeof MEASURES)[number]['field']
export type MeasureName = (typeof MEASURES)[number]['measure']
export const MEASURE_FIELDS = MEASURES.map(m => m.field) as [MeasureField, ...MeasureField[]]
export type Counts = Record<MeasureField, number>

export const fieldOf = (measure: string): MeasureField | undefined => MEASURES.find(m => m.measure === measure)?.field
export const zeroCounts = (): Counts => Object.fromEntries(MEASURE_FIELDS.map(f => [f, 0])) as Counts

export const GROUP_BY = ['owner', 'team', 'day', 'week'] as const
export type GroupBy = (typeof GROUP_BY)[number]

/** The longest range the report takes, in days (a quarter and a year over year fit). */
export const MAX_RANGE_DAYS = 400

const DAY_MS = 86_400_000
const toDate = (day: string) => new Date(`${day}T00:00:00Z`)
export const isoDay = (at: Date) => at.toISOString().slice(0, 10)
export const addDays = (day: string, n: number) => isoDay(new Date(toDate(day).getTime() + n * DAY_MS))
/** Days from `from` to `to`, both included. */
export const daysBetween = (from: string, to: string) => Math.round((toDate(to).getTime() - toDate(from).getTime()) / DAY_MS) + 1

/** The Monday of the ISO week that holds the day. */
export function weekStart(day: string): string {
  const d = toDate(day)
  return addDays(day, -((d.getUTCDay() + 6) % 7))
}

/** The ISO week of a day, `2026-W49` (the week belongs to the year of its Thursday). */
export function isoWeek(day: string): string {
  const thursday = toDate(addDays(weekStart(day), 3))
  const year = thursday.getUTCFullYear()
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1
  return `${year}-W${String(week).padStart(2, '0')}`
}

/** Every day of a range, in order. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = []
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d)
  return days
}

export const PRESETS = ['this_week', 'last_week', 'this_month', 'this_quarter'] as const
export type Preset = (typeof PRESETS)[number]

/** A preset's days as of `today`: this week (Monday..today), last week (Monday..Sunday), this month or quarter (1st..today). */
export function presetRange(preset: Preset, today: string): { from: string, to: string } {
  const d = toDate(today)
  switch (preset) {
    case 'this_week': return { from: weekStart(today), to: today }
    case 'last_week': {
      const from = addDays(weekStart(today), -7)
      return { from, to: addDays(from, 6) }
    }
    case 'this_month': return { from: isoDay(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1))), to: today }
    case 'this_quarter': {
      const from = isoDay(new Date(Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1)))
      return { from, to: today }
    }
  }
}

/**
 * The report's range from the query: `to` defaults to today, `from` to the Monday of `to`'s week (so
 * no dates is the current week, Monday..today). Answers
 * the range or the field that is wrong and why (to before from, longer than MAX_RANGE_DAYS).
 */
export function resolveRange(
  query: { from?: string, to?: string },
  today: string,
): { from: string, to: string } | { field: 'from' | 'to', message: string } {
  const to = query.to ?? today
  const from = query.from ?? weekStart(to)
  if (from > to) return { field: 'from', message: 'must be on or before to' }
  if (daysBetween(from, to) > MAX_RANGE_DAYS) return { field: 'to', message: `at most ${MAX_RANGE_DAYS} days after from` }
  return { from, to }
}

/** The bucket a day falls in for a time grouping: the day itself, or its week's Monday. */
export const bucketOf = (day: string, groupBy: 'day' | 'week') => (groupBy === 'day' ? day : weekStart(day))

/** A weekly target prorated to a span of days (a week of seven days holds one weekly target), to one decimal. */
export const targetFor = (weekly: number, days: number) => Math.round(((weekly * days) / 7) * 10) / 10

/** Done over target, to three decimals; null without a target (or a zero one). */
export const attainment = (actual: number, target: number | null | undefined) =>
  target ? Math.round((actual / target) * 1000) / 1000 : null

export interface ReportRow extends Counts {
  key: string
  label: string
  targets?: Partial<Counts>
  attainment?: Partial<Record<MeasureField, number | null>>
}

/** The CSV columns: key, label, each measure, then each measure's target and attainment. */
export const CSV_COLUMNS = [
  'key', 'label', ...MEASURE_FIELDS, ...MEASURE_FIELDS.map(f => `${f}Target`), ...MEASURE_FIELDS.map(f => `${f}Attainment`),
]

/** The rows as flat records for the CSV columns (a missing target or attainment is empty). */
export function csvRows(rows: readonly ReportRow[]): Record<string, string | number | null>[] {
  return rows.map((row) => {
    const flat: Record<string, string | number | null> = { key: row.key, label: row.label }
    for (const f of MEASURE_FIELDS) {
      flat[f] = row[f]
      flat[`${f}Target`] = row.targets?.[f] ?? null
      flat[`${f}Attainment`] = row.attainment?.[f] ?? null
    }
    return flat
  })
}

/** The top `n` rows by a measure (ties by label), for the leaderboard. */
export function leaderboard<T extends Counts & { label: string }>(rows: readonly T[], measure: MeasureField, n = 10): T[] {
  return [...rows].sort((a, b) => b[measure] - a[measure] || a.label.localeCompare(b.label)).slice(0, n)
}
