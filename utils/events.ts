/** An event as the timelines answer it. */
export interface TimelineEvent {
  id: string
  type: string
  occurredAt: string
  source: string
  dealId?: string | null
  contactId?: string | null
  metadata: Record<string, unknown>
}

/** `email_received` -> `Email received`. */
export const eventLabel = (type: string) => type.replaceAll('_', ' ').replace(/^./, c => c.toUpperCase())

const FIELD_LABELS: Record<string, string> = {
  amount: 'Amount',
  closeDate: 'Close date',
  ownerId: 'Owner',
  probability: 'Probability',
  forecastCategory: 'Forecast category',
}
const CATEGORY_LABELS: Record<string, string> = {
  pipeline: 'Pipeline',
  best_case: 'Best case',
  commit: 'Commit',
  closed: 'Closed',
  omitted: 'Omitted',
}

/** A changed field's value as people read it (the event keeps no currency: amounts are plain numbers). Pure. */
function changedValue(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (field === 'amount') return Number(value).toLocaleString('en-US', { maximumFractionDigits: 2 })
  if (field === 'closeDate' && typeof value === 'string') {
    const [y, m, d] = value.split('-').map(Number)
    return y && m && d
      ? new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' })
      : value
  }
  if (field === 'probability') return `${value}%`
  if (field === 'forecastCategory') return CATEGORY_LABELS[String(value)] ?? String(value)
  return String(value)
}

/**
 * The one line that says what happened: the move (in stage names when `stageName` knows them), the
 * changes, or the subject, body or outcome.
 */
export function eventDetail(e: TimelineEvent, stageName: (key: string) => string = key => key): string {
  const m = e.metadata
  if (e.type === 'stage_changed') return `${stageName(String(m.from))} → ${stageName(String(m.to))}${m.reason ? ` (${m.reason})` : ''}`
  if (e.type === 'deal_updated') {
    return Object.entries((m.changes ?? {}) as Record<string, { from: unknown, to: unknown }>)
      .map(([k, c]) =>
        k === 'ownerId' ? 'Owner changed' : `${FIELD_LABELS[k] ?? k}: ${changedValue(k, c.from)} → ${changedValue(k, c.to)}`,
      )
      .join(', ')
  }
  return String(m.subject ?? m.body ?? m.outcome ?? m.url ?? '')
}
