import { formatMoney } from '../composables/useMoney'
import type { TimelineEvent, TimelineRefs } from '../shared/types/timeline'
import { humanize } from '../shared/utils/labels'

/**
 * How a timeline row reads: every event type in words, with the names the server resolved
 * (`refs`), amounts, dates and durations formatted, and labels in place of stored keys. Pure.
 */

export const EMPTY_REFS: TimelineRefs = { users: {}, contacts: {}, deals: {}, stages: {}, messages: {}, mentions: {} }

const TYPE_LOOK: Record<string, { label: string, icon: string }> = {
  call: { label: 'Call', icon: 'i-lucide-phone' },
  meeting_scheduled: { label: 'Meeting scheduled', icon: 'i-lucide-calendar-plus' },
  meeting_held: { label: 'Meeting held', icon: 'i-lucide-calendar-check' },
  note: { label: 'Note', icon: 'i-lucide-sticky-note' },
  email_sent: { label: 'Email sent', icon: 'i-lucide-send' },
  email_received: { label: 'Email received', icon: 'i-lucide-mail' },
  email_delivered: { label: 'Email delivered', icon: 'i-lucide-mail-check' },
  email_opened: { label: 'Email opened', icon: 'i-lucide-mail-open' },
  email_clicked: { label: 'Link clicked', icon: 'i-lucide-mouse-pointer-click' },
  email_bounced: { label: 'Email bounced', icon: 'i-lucide-mail-x' },
  email_spam_report: { label: 'Reported as spam', icon: 'i-lucide-shield-alert' },
  email_unsubscribed: { label: 'Unsubscribed', icon: 'i-lucide-mail-minus' },
  stage_changed: { label: 'Stage changed', icon: 'i-lucide-move-right' },
  deal_created: { label: 'Deal created', icon: 'i-lucide-sparkles' },
  deal_updated: { label: 'Deal updated', icon: 'i-lucide-pencil' },
  task_completed: { label: 'Task completed', icon: 'i-lucide-circle-check' },
}

/** `email_received` -> `Email received`; the label of an event type. */
export const eventLabel = (type: string) => TYPE_LOOK[type]?.label ?? humanize(type)
export const eventIcon = (type: string) => TYPE_LOOK[type]?.icon ?? 'i-lucide-activity'

export const CALL_OUTCOME_LABELS: Record<string, string> = {
  connected: 'Connected',
  no_answer: 'No answer',
  voicemail: 'Voicemail',
  busy: 'Busy',
  wrong_number: 'Wrong number',
}
/** A call's outcome as people say it; outcomes from elsewhere (a CRM's free text) keep their words, keys become words. */
export function callOutcomeLabel(outcome: unknown): string | null {
  if (typeof outcome !== 'string' || !outcome.trim()) return null
  return CALL_OUTCOME_LABELS[outcome] ?? (/^[a-z0-9_]+$/i.test(outcome) ? humanize(outcome) : outcome.trim())
}

/** A length as people read it: `45 sec`, `12 min`, `1 h 5 min`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return ''
  if (seconds < 60) return `${Math.round(seconds)} sec`
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return rest ? `${hours} h ${rest} min` : `${hours} h`
}

const numberOf = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN)
const textOf = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null)

/** An event's duration from `durationSeconds` or `durationMinutes`, formatted; null without one. */
export function eventDuration(m: Record<string, unknown>): string | null {
  const seconds = numberOf(m.durationSeconds)
  if (Number.isFinite(seconds) && seconds > 0) return formatDuration(seconds)
  const minutes = numberOf(m.durationMinutes)
  return Number.isFinite(minutes) && minutes > 0 ? formatDuration(minutes * 60) : null
}

/** A calendar day (`2027-03-31`) as `Mar 31`, with the year when it is not `now`'s. */
export function formatShortDay(day: unknown, now = new Date()): string | null {
  if (typeof day !== 'string') return null
  const [y, m, d] = day.slice(0, 10).split('-').map(Number)
  if (!y || !m || !d) return day
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-US', {
    month: 'short', day: 'numeric', timeZone: 'UTC', ...(y === now.getFullYear() ? {} : { year: 'numeric' }),
  })
}

/** A moment as `Mar 3, 10:30 AM` (in the reader's time zone), with the year when it is not `now`'s. */
export function formatMoment(iso: unknown, now = new Date()): string | null {
  if (typeof iso !== 'string') return null
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return null
  return at.toLocaleString('en-US', {
    month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit',
    ...(at.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  })
}

const CATEGORY_LABELS: Record<string, string> = {
  pipeline: 'Pipeline',
  best_case: 'Best case',
  commit: 'Commit',
  closed: 'Closed',
  omitted: 'Omitted',
}

const FIELD_LABELS: Record<string, string> = {
  amount: 'Amount', closeDate: 'Close date', ownerId: 'Owner', probability: 'Probability', forecastCategory: 'Forecast category',
}

const stageName = (refs: TimelineRefs, key: unknown) => (typeof key === 'string' ? refs.stages[key] ?? humanize(key) : 'another stage')
const userName = (refs: TimelineRefs, id: unknown) => (typeof id === 'string' ? refs.users[id] ?? null : null)

/** One tracked field's change as a sentence: `Amount changed from $19,500 to $13,650`. */
export function changeSentence(
  field: string,
  from: unknown,
  to: unknown,
  ctx: { currency: string, refs: TimelineRefs, now?: Date },
): string {
  const none = (v: unknown) => v === null || v === undefined || v === ''
  const say = (v: unknown): string => {
    if (field === 'amount') return formatMoney(numberOf(v), ctx.currency)
    if (field === 'closeDate') return formatShortDay(v, ctx.now) ?? String(v)
    if (field === 'probability') return `${Math.round(numberOf(v))}%`
    if (field === 'forecastCategory') return CATEGORY_LABELS[String(v)] ?? humanize(String(v))
    if (field === 'ownerId') return userName(ctx.refs, v) ?? 'someone else'
    return String(v)
  }
  const label = FIELD_LABELS[field] ?? humanize(field)
  const verb = field === 'closeDate' ? 'moved' : 'changed'
  if (field === 'ownerId') return none(to) ? 'Owner removed' : `Owner changed from ${none(from) ? 'nobody' : say(from)} to ${say(to)}`
  if (none(from) && none(to)) return `${label} unchanged`
  if (none(to)) {
    const back = field === 'probability' || field === 'forecastCategory'
    return `${label} ${back ? 'back to the stage\'s' : 'cleared'} (was ${say(from)})`
  }
  if (none(from)) return `${label} set to ${say(to)}`
  return `${label} ${verb} from ${say(from)} to ${say(to)}`
}

/** A piece of a note: plain text, or a mention shown as the person's name. */
export interface TextPart { text: string, mention?: boolean }

const MENTION = /@([\w.%+-]+@[a-z0-9.-]+\.[a-z]{2,}|[\p{L}][\p{L}\p{N}_-]*(?:\.[\p{L}][\p{L}\p{N}_-]*)?)/giu

/** A note's text with its `@mentions` as the names the server resolved (`@riley` -> `@Riley Chen`); unknown ones stay as written. */
export function noteParts(body: string, refs: TimelineRefs): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of body.matchAll(MENTION)) {
    const start = match.index
    // A mention starts a word: not the middle of an address (`a@b.example`).
    if (start > 0 && /[\w@.]/.test(body[start - 1]!)) continue
    const token = match[1]!.replace(/\.$/, '')
    const userId = refs.mentions[token.toLowerCase()]
    const name = userId ? refs.users[userId] : undefined
    if (!name) continue
    if (start > last) parts.push({ text: body.slice(last, start) })
    parts.push({ text: `@${name}`, mention: true })
    last = start + 1 + token.length
  }
  if (last < body.length) parts.push({ text: body.slice(last) })
  return parts
}

/** How a row reads. `title` says what happened, `detail` the short facts, `body` the text, `people` who took part. */
export interface EventView {
  icon: string
  title: string
  detail: string | null
  body: TextPart[] | null
  people: string | null
  /** More sentences (the second and later field changes of one edit). */
  lines: string[]
  /** Who did it (a user, or the outside person who wrote, opened or clicked). */
  by: string | null
  /** The deal it is on, for account and contact timelines. */
  deal: string | null
  flags: string[]
}

const SOURCE_LABELS: Record<string, string> = {
  salesforce: 'Salesforce', sequence: 'a sequence', import: 'an import', email_inbound: 'email', sendgrid: 'SendGrid', mailgun: 'Mailgun',
  postmark: 'Postmark', imap: 'IMAP', caldav: 'CalDAV', stripe: 'Stripe',
}
/** Where an event came from, when it is worth saying: `via Salesforce`; null for the app's own. */
export function eventSourceLabel(source: string): string | null {
  if (source === 'direct' || source === 'email' || source === 'system') return null
  return `via ${SOURCE_LABELS[source] ?? humanize(source)}`
}

const clip = (s: string, n = 280) => (s.length > n ? `${s.slice(0, n - 1).trimEnd()}…` : s)

/** Everything a timeline row shows for one event. Pure: `refs` holds the names, `now` decides when a year is worth saying. */
export function describeEvent(e: TimelineEvent, refs: TimelineRefs = EMPTY_REFS, now = new Date()): EventView {
  const m = e.metadata ?? {}
  const contact = e.contactId ? refs.contacts[e.contactId] ?? null : null
  const actor = userName(refs, e.actorUserId)
  const view: EventView = {
    icon: eventIcon(e.type),
    title: eventLabel(e.type),
    detail: null,
    body: null,
    people: null,
    lines: [],
    by: actor ?? (e.actorEmail ? contact ?? e.actorEmail : null),
    deal: e.dealId ? refs.deals[e.dealId]?.name ?? null : null,
    flags: [],
  }
  const plain = (s: string | null) => (s ? [{ text: clip(s) }] : null)

  if (e.type.startsWith('email_')) {
    const message = typeof m.messageId === 'string' ? refs.messages[m.messageId.trim().replace(/^<|>$/g, '')] : undefined
    const subject = textOf(m.subject) ?? textOf(message?.subject)
    const to = contact ?? textOf(m.to) ?? textOf(message?.to)
    const from = contact ?? textOf(m.from) ?? textOf(message?.from) ?? e.actorEmail ?? null
    if (e.type === 'email_sent') view.title = to ? `Email to ${to}` : 'Email sent'
    else if (e.type === 'email_received') view.title = from ? `Email from ${from}` : 'Email received'
    else if (e.type === 'email_opened') view.title = contact ? `${contact} opened an email` : 'Email opened'
    else if (e.type === 'email_clicked') view.title = contact ? `${contact} clicked a link` : 'Link clicked'
    view.detail = subject
    if (e.type === 'email_clicked' && textOf(m.url)) view.lines.push(String(m.url))
    if (e.type === 'email_bounced' && textOf(m.bounceType)) view.lines.push(`${humanize(String(m.bounceType))} bounce`)
    view.body = plain(textOf(m.snippet) ?? textOf(m.body))
    // The title names who wrote, opened or clicked already.
    if (e.type === 'email_received' || ((e.type === 'email_opened' || e.type === 'email_clicked') && contact)) view.by = null
    if (m.machine) view.flags.push(e.type === 'email_clicked' ? 'Likely a link scanner' : 'Likely automated')
    if (m.autoReply) view.flags.push('Auto-reply')
  }
  else if (e.type === 'call') {
    view.title = contact ? `Call with ${contact}` : 'Call'
    view.detail = [callOutcomeLabel(m.outcome), eventDuration(m)].filter(Boolean).join(' · ') || null
    view.body = plain(textOf(m.subject) ?? textOf(m.body))
  }
  else if (e.type === 'meeting_scheduled' || e.type === 'meeting_held') {
    const title = textOf(m.title) ?? textOf(m.subject)
    if (title) view.title = `${eventLabel(e.type)}: ${title}`
    const when = e.type === 'meeting_scheduled' ? formatMoment(m.startsAt, now) : null
    view.detail = [when ? `for ${when}` : null, eventDuration(m)].filter(Boolean).join(' · ') || null
    const ids = Array.isArray(m.attendeeIds) ? m.attendeeIds.filter((id): id is string => typeof id === 'string') : []
    const names = [...new Set(ids.map(id => refs.contacts[id.toLowerCase()]).filter((n): n is string => Boolean(n)))]
    if (!names.length && contact) names.push(contact)
    view.people = names.length ? `With ${names.join(', ')}` : null
    view.body = plain(textOf(m.body))
  }
  else if (e.type === 'note') {
    const body = textOf(m.body)
    view.body = body ? noteParts(clip(body, 2000), refs) : null
  }
  else if (e.type === 'stage_changed') {
    view.title = `Moved from ${stageName(refs, m.from)} to ${stageName(refs, m.to)}`
    view.detail = textOf(m.reason) ? `Reason: ${m.reason}` : null
  }
  else if (e.type === 'deal_created') {
    const currency = textOf(m.currency) ?? refs.deals[e.dealId ?? '']?.currency ?? 'USD'
    const amount = numberOf(m.amount)
    view.detail = [
      Number.isFinite(amount) ? formatMoney(amount, currency) : null,
      textOf(m.stage) ? `in ${stageName(refs, m.stage)}` : null,
      textOf(m.closeDate) ? `closing ${formatShortDay(m.closeDate, now)}` : null,
    ].filter(Boolean).join(' · ') || null
    const owner = userName(refs, m.ownerId)
    if (owner && owner !== actor) view.people = `Owner: ${owner}`
  }
  else if (e.type === 'deal_updated') {
    const currency = refs.deals[e.dealId ?? '']?.currency ?? 'USD'
    const sentences = Object.entries((m.changes ?? {}) as Record<string, { from?: unknown, to?: unknown }>)
      .map(([field, c]) => changeSentence(field, c?.from, c?.to, { currency, refs, now }))
    if (sentences.length) {
      view.title = sentences[0]!
      view.lines = sentences.slice(1)
    }
  }
  else if (e.type === 'task_completed') {
    view.detail = textOf(m.title)
  }
  const via = eventSourceLabel(e.source)
  if (via) view.flags.push(via)
  return view
}

/** A day of the timeline: its heading and its events, in the order given (newest first). */
export interface TimelineDay { key: string, label: string, events: TimelineEvent[] }

const localDay = (at: Date) =>
  `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`

/** The heading of a day in the reader's time zone: `Today`, `Yesterday`, `Monday, Mar 3`, or with the year when it is not this one. */
export function dayLabel(at: Date, now = new Date()): string {
  const today = localDay(now)
  const yesterday = localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1))
  const day = localDay(at)
  if (day === today) return 'Today'
  if (day === yesterday) return 'Yesterday'
  return at.toLocaleDateString('en-US', {
    weekday: 'long', month: 'short', day: 'numeric', ...(at.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  })
}

/** Events grouped by the reader's calendar day, newest day first (as they come). */
export function groupByDay(events: readonly TimelineEvent[], now = new Date()): TimelineDay[] {
  const days: TimelineDay[] = []
  for (const e of events) {
    const at = new Date(e.occurredAt)
    const key = localDay(at)
    const last = days.at(-1)
    if (last?.key === key) last.events.push(e)
    else days.push({ key, label: dayLabel(at, now), events: [e] })
  }
  return days
}

/** The type filters of a timeline: each chip keeps some event types (`types=` of the timeline API). */
export const TIMELINE_FILTERS: { key: string, label: string, icon: string, types: string[] }[] = [
  { key: 'all', label: 'All', icon: 'i-lucide-list', types: [] },
  {
    key: 'email',
    label: 'Emails',
    icon: 'i-lucide-mail',
    types: ['email_sent', 'email_received', 'email_delivered', 'email_opened', 'email_clicked', 'email_bounced',
      'email_spam_report', 'email_unsubscribed'],
  },
  { key: 'call', label: 'Calls', icon: 'i-lucide-phone', types: ['call'] },
  { key: 'meeting', label: 'Meetings', icon: 'i-lucide-calendar', types: ['meeting_scheduled', 'meeting_held'] },
  { key: 'note', label: 'Notes', icon: 'i-lucide-sticky-note', types: ['note'] },
  { key: 'deal', label: 'Deal changes', icon: 'i-lucide-pencil', types: ['deal_created', 'stage_changed', 'deal_updated'] },
  { key: 'task', label: 'Tasks', icon: 'i-lucide-circle-check', types: ['task_completed'] },
]

/** The time of day of an event, `10:32 AM`, in the reader's time zone. */
export const timeOfDay = (iso: string) => new Date(iso).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' })
