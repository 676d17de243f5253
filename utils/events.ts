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

/** The one line that says what happened: the move, the changes, or the subject, body or outcome. */
export function eventDetail(e: TimelineEvent): string {
  const m = e.metadata
  if (e.type === 'stage_changed') return `${m.from} → ${m.to}${m.reason ? ` (${m.reason})` : ''}`
  if (e.type === 'deal_updated') {
    return Object.entries((m.changes ?? {}) as Record<string, { from: unknown, to: unknown }>)
      .map(([k, c]) => `${k}: ${c.from ?? '—'} → ${c.to ?? '—'}`).join(', ')
  }
  return String(m.subject ?? m.body ?? m.outcome ?? m.url ?? '')
}
