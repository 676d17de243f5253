/**
 * A deal's momentum score history as a daily series for the chart, and a caption that says what
 * the history holds: how many days were scored, over how long, and the change. Pure.
 */

export interface ScorePoint { day: string, score: number }
export interface ScoreTrend {
  /** One label per calendar day from the first scored day to the last (`Mar 3`). */
  labels: string[]
  /** The score of each day, null on a day that was not scored. */
  values: (number | null)[]
  /** Days that have a score. */
  scored: number
  /** Calendar days from the first score to the last, both counted. */
  span: number
  caption: string
}

const DAY = 86_400_000
const utc = (day: string) => Date.parse(`${day.slice(0, 10)}T00:00:00Z`)
const label = (ms: number, withYear: boolean) => new Date(ms).toLocaleDateString('en-US', {
  month: 'short', day: 'numeric', timeZone: 'UTC', ...(withYear ? { year: 'numeric' } : {}),
})
const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`

export function scoreTrend(history: readonly ScorePoint[], today = new Date()): ScoreTrend {
  const points = [...history].filter(p => Number.isFinite(utc(p.day))).sort((a, b) => a.day.localeCompare(b.day))
  if (!points.length) {
    return {
      labels: [], values: [], scored: 0, span: 0,
      caption: 'No score history yet: the deal is scored within seconds of its next activity, and every hour.',
    }
  }
  const first = utc(points[0]!.day)
  const last = utc(points.at(-1)!.day)
  const span = Math.round((last - first) / DAY) + 1
  const withYear = new Date(first).getUTCFullYear() !== today.getUTCFullYear()
  const byDay = new Map(points.map(p => [p.day.slice(0, 10), p.score]))
  const labels: string[] = []
  const values: (number | null)[] = []
  for (let at = first; at <= last; at += DAY) {
    labels.push(label(at, withYear))
    values.push(byDay.get(new Date(at).toISOString().slice(0, 10)) ?? null)
  }
  const start = points[0]!
  const end = points.at(-1)!
  if (points.length === 1) {
    return {
      labels, values, scored: 1, span,
      caption: `One day of history: ${start.score} % on ${label(first, withYear)}. `
        + 'The chart starts once the deal is scored on another day.',
    }
  }
  const change = end.score - start.score
  const moved = change === 0
    ? 'unchanged'
    : `${change > 0 ? 'up' : 'down'} ${plural(Math.abs(change), 'point')}`
  const gaps = span > points.length ? ` (${plural(points.length, 'day')} scored; the dashes cross days without a score)` : ''
  return {
    labels, values, scored: points.length, span,
    caption: `${plural(span, 'day')} of history${gaps}: ${start.score} % on ${label(first, withYear)}, `
      + `${end.score} % on ${label(last, withYear)}, ${moved}.`,
  }
}
