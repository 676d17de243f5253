import type { EmailProvider, EventType } from '../../../../db/schema'
import { fromUnixSeconds, timeInRange } from '../../core/dates'

/**
 * Provider webhook payloads as one shape. Pure. Events that say nothing about engagement
 * (processed, deferred, …) are left out; what is kept maps to our event types.
 */
export interface EmailEvent {
  /** The provider's id for this event (deduplication: providers retry). */
  eventId: string
  type: EventType
  at: Date
  recipient: string | null
  /** The provider's id of the message (SendGrid's X-Message-Id, Mailgun's storage id, Postmark's MessageID). */
  providerMessageId: string | null
  /** The RFC 5322 Message-ID, when the provider gives it. */
  messageId: string | null
  userAgent: string | null
  ip: string | null
  url: string | null
  /** What the provider says of the client (Mailgun's client-type, Postmark's Platform…). */
  client: string | null
}

type Json = Record<string, unknown>
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null)
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? v as Json : {})
const stripBrackets = (id: string | null) => (id ? id.replace(/^<|>$/g, '') : null)

const SENDGRID: Record<string, EventType> = {
  delivered: 'email_delivered', open: 'email_opened', click: 'email_clicked', bounce: 'email_bounced', dropped: 'email_bounced',
  spamreport: 'email_spam_report', unsubscribe: 'email_unsubscribed', group_unsubscribe: 'email_unsubscribed',
}
const MAILGUN: Record<string, EventType> = {
  delivered: 'email_delivered', opened: 'email_opened', clicked: 'email_clicked', failed: 'email_bounced',
  complained: 'email_spam_report', unsubscribed: 'email_unsubscribed',
}
const POSTMARK: Record<string, EventType> = {
  Delivery: 'email_delivered', Open: 'email_opened', Click: 'email_clicked', Bounce: 'email_bounced',
  SpamComplaint: 'email_spam_report', SubscriptionChange: 'email_unsubscribed',
}

/** SendGrid posts an array of events; `sg_message_id` is the X-Message-Id plus a filter suffix. */
function sendgrid(body: unknown): EmailEvent[] {
  if (!Array.isArray(body)) return []
  return body.flatMap((raw) => {
    const e = obj(raw)
    const type = SENDGRID[String(e.event)]
    const eventId = str(e.sg_event_id)
    const at = fromUnixSeconds(e.timestamp)
    if (!type || !eventId || !at) return []
    return [{
      eventId, type, at, recipient: str(e.email)?.toLowerCase() ?? null,
      providerMessageId: str(e.sg_message_id)?.split('.')[0] ?? null, messageId: stripBrackets(str(e['smtp-id'])),
      userAgent: str(e.useragent), ip: str(e.ip), url: str(e.url), client: null,
    }]
  })
}

/** Mailgun posts one event: `{ signature, 'event-data' }`; a failure counts as a bounce only when permanent. */
function mailgun(body: unknown): EmailEvent[] {
  const data = obj(obj(body)['event-data'])
  const name = String(data.event)
  if (name === 'failed' && data.severity !== 'permanent') return []
  const type = MAILGUN[name]
  const eventId = str(data.id)
  const at = fromUnixSeconds(data.timestamp)
  if (!type || !eventId || !at) return []
  const message = obj(data.message)
  const client = obj(data['client-info'])
  return [{
    eventId, type, at, recipient: str(data.recipient)?.toLowerCase() ?? null,
    providerMessageId: str(obj(data.storage).key) ?? stripBrackets(str(obj(message.headers)['message-id'])),
    messageId: stripBrackets(str(obj(message.headers)['message-id'])),
    userAgent: str(client['user-agent']), ip: str(data.ip), url: str(data.url), client: str(client['client-type']),
  }]
}

/** Postmark posts one record; it has no event id, so the record type, message, time and link make one. */
function postmark(body: unknown): EmailEvent[] {
  const e = obj(body)
  const type = POSTMARK[String(e.RecordType)]
  const messageId = str(e.MessageID)
  const when = str(e.ReceivedAt) ?? str(e.DeliveredAt) ?? str(e.BouncedAt) ?? str(e.ChangedAt)
  if (!type || !messageId || !when || !timeInRange(new Date(when))) return []
  if (type === 'email_unsubscribed' && e.SuppressSending !== true) return []
  const url = str(e.OriginalLink)
  return [{
    eventId: [e.RecordType, messageId, when, url ?? ''].join(':'), type, at: new Date(when),
    recipient: (str(e.Recipient) ?? str(e.Email))?.toLowerCase() ?? null, providerMessageId: messageId, messageId: null,
    userAgent: str(e.UserAgent), ip: str(obj(e.Geo).IP), url, client: str(obj(e.Client).Name) ?? str(e.Platform),
  }]
}

export const NORMALIZERS: Record<EmailProvider, (body: unknown) => EmailEvent[]> = { sendgrid, mailgun, postmark }
