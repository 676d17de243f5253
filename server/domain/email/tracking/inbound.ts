import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import { simpleParser } from 'mailparser'
import { contacts, dealContacts, deals, emailMessages, pipelineStages } from '../../../../db/schema'
import type { Tx } from '../../core/db'
import { writeEvents, type EventRow } from '../../events/write'
import { toStorable } from '../../security/body'
import { timeInRange } from '../../core/dates'
import { autoReplyReason } from './autoReply'

/** An inbound email as the threading needs it, whatever format it came in. */
export interface InboundEmail {
  messageId: string
  inReplyTo: string | null
  references: string[]
  from: string | null
  to: string | null
  subject: string | null
  date: Date
  text: string | null
  /** Why it looks like an auto-reply (its headers or subject), when it does. */
  autoReply?: string | null
}

/** The date if it is one (a header or field can say anything), else the fallback. */
const dateOr = (date: Date | null | undefined, fallback: Date) => (date && timeInRange(date) ? date : fallback)
const bare = (id: string) => id.trim().replace(/^<|>$/g, '')
const ids = (value: string | string[] | undefined | null): string[] =>
  (Array.isArray(value) ? value : (value ?? '').split(/\s+/)).map(bare).filter(Boolean)

/** Parses raw MIME (RFC 5322) with mailparser. */
export async function parseMime(raw: Buffer | string, receivedAt: Date): Promise<InboundEmail> {
  const mail = await simpleParser(raw)
  const from = mail.from?.value[0]?.address?.toLowerCase() ?? null
  const to = (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address?.toLowerCase() ?? null
  return {
    messageId: mail.messageId ? bare(mail.messageId) : `generated-${receivedAt.getTime()}-${from ?? 'unknown'}`,
    inReplyTo: mail.inReplyTo ? bare(mail.inReplyTo) : null,
    references: ids(mail.references),
    from,
    to,
    subject: mail.subject ?? null,
    date: dateOr(mail.date, receivedAt),
    text: mail.text?.slice(0, 5000) ?? null,
    autoReply: autoReplyReason(mail.headers, mail.subject),
  }
}

type Json = Record<string, unknown>
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null)

/**
 * An inbound email from whatever the provider posted, with every string storable: raw MIME (SendGrid's "send raw", Mailgun's
 * `body-mime`, or a message/rfc822 body), or the provider's parsed fields (Postmark's JSON,
 * Mailgun's route fields).
 */
export async function readInbound(body: { raw?: Buffer, fields?: Json }, receivedAt: Date): Promise<InboundEmail | null> {
  const email = await readAnyInbound(body, receivedAt)
  if (!email) return null
  // Mail arrives as it was written: NULs and broken characters are dropped, not refused.
  const clean = (v: string | null) => (v === null ? null : toStorable(v))
  return {
    ...email,
    messageId: toStorable(email.messageId),
    inReplyTo: clean(email.inReplyTo),
    references: email.references.map(toStorable),
    from: clean(email.from),
    to: clean(email.to),
    subject: clean(email.subject),
    text: clean(email.text),
  }
}

/** Mailgun's `message-headers`: a JSON list of [name, value] pairs. */
function mailgunHeaders(value: unknown): unknown {
  if (typeof value !== 'string') return null
  try {
    return JSON.parse(value)
  }
  catch {
    return null
  }
}

async function readAnyInbound(body: { raw?: Buffer, fields?: Json }, receivedAt: Date): Promise<InboundEmail | null> {
  if (body.raw?.length) return parseMime(body.raw, receivedAt)
  const f = body.fields ?? {}
  const mime = str(f.email) ?? str(f['body-mime'])
  if (mime) return parseMime(mime, receivedAt)
  // Postmark's inbound JSON.
  if (str(f.MessageID) || Array.isArray(f.Headers)) {
    const headers = new Map((Array.isArray(f.Headers) ? f.Headers as Json[] : []).map(h => [String(h.Name).toLowerCase(), String(h.Value)]))
    const fromFull = (f.FromFull ?? {}) as Json
    return {
      messageId: bare(headers.get('message-id') ?? String(f.MessageID)),
      inReplyTo: headers.get('in-reply-to') ? bare(headers.get('in-reply-to')!) : null,
      references: ids(headers.get('references')),
      from: (str(fromFull.Email) ?? str(f.From))?.toLowerCase() ?? null,
      to: str(f.To)?.toLowerCase() ?? null,
      subject: str(f.Subject),
      date: dateOr(str(f.Date) ? new Date(String(f.Date)) : null, receivedAt),
      text: str(f.TextBody)?.slice(0, 5000) ?? null,
      autoReply: autoReplyReason(headers, str(f.Subject)),
    }
  }
  // Mailgun's route fields.
  if (str(f['Message-Id'])) {
    return {
      messageId: bare(String(f['Message-Id'])),
      inReplyTo: str(f['In-Reply-To']) ? bare(String(f['In-Reply-To'])) : null,
      references: ids(str(f.References)),
      from: str(f.sender)?.toLowerCase() ?? null,
      to: str(f.recipient)?.toLowerCase() ?? null,
      subject: str(f.subject),
      date: dateOr(typeof f.timestamp === 'string' ? new Date(Number(f.timestamp) * 1000) : null, receivedAt),
      text: str(f['stripped-text'])?.slice(0, 5000) ?? null,
      autoReply: autoReplyReason(mailgunHeaders(f['message-headers']), str(f.subject)),
    }
  }
  return null
}

/**
 * Threads a reply onto the conversation it answers: the latest message we sent among its
 * In-Reply-To and References, which names the deal and contact; else the sender's contact and
 * their open deals. It is stored as `email_received` with the hours since our last message in the
 * thread. A sender we cannot place is kept in `email_messages` for review. The raw payload is kept
 * with the message for the tenant's retention period (see retention.ts). Idempotent by Message-ID.
 */
export async function threadReply(tx: Tx, tenantId: string, email: InboundEmail, rawPayload: string | null = null, now = new Date()) {
  const [seen] = await tx.select({ id: emailMessages.id }).from(emailMessages)
    .where(and(eq(emailMessages.tenantId, tenantId), eq(emailMessages.messageId, email.messageId)))
  if (seen) return { status: 'duplicate' as const }
  const chain = [...new Set([email.inReplyTo, ...email.references.toReversed()].filter((id): id is string => Boolean(id)))]
  const [answered] = chain.length
    ? await tx.select().from(emailMessages)
        .where(and(eq(emailMessages.tenantId, tenantId), inArray(emailMessages.messageId, chain), eq(emailMessages.direction, 'sent')))
        .orderBy(desc(emailMessages.at)).limit(1)
    : []
  const [sender] = email.from
    ? await tx.select({ id: contacts.id, accountId: contacts.accountId }).from(contacts)
        .where(and(eq(contacts.tenantId, tenantId), sql`lower(${contacts.email}) = ${email.from}`, isNull(contacts.erasedAt))).limit(1)
    : []
  const contactId = answered?.contactId ?? sender?.id ?? null
  let dealIds: string[] = answered?.dealId ? [answered.dealId] : []
  if (!dealIds.length && contactId) {
    dealIds = (
      await tx
        .select({ id: deals.id })
        .from(dealContacts)
        .innerJoin(deals, and(eq(deals.tenantId, dealContacts.tenantId), eq(deals.id, dealContacts.dealId)))
        .innerJoin(
          pipelineStages,
          and(eq(pipelineStages.tenantId, deals.tenantId), eq(pipelineStages.key, deals.stage), eq(pipelineStages.kind, 'open')),
        )
        .where(and(eq(dealContacts.tenantId, tenantId), eq(dealContacts.contactId, contactId)))
    ).map(d => d.id)
  }
  await tx.insert(emailMessages).values({
    tenantId, direction: 'received', messageId: email.messageId, inReplyTo: email.inReplyTo, dealId: dealIds[0] ?? null, contactId,
    fromAddress: email.from, toAddress: email.to, subject: email.subject, at: email.date,
    rawPayload, rawReceivedAt: rawPayload === null ? null : now,
  })
  if (!contactId && !dealIds.length) return { status: 'unmatched' as const }

  const latencyHours = answered ? Math.round(((email.date.getTime() - answered.at.getTime()) / 3_600_000) * 10) / 10 : null
  const autoReply = email.autoReply ?? autoReplyReason(null, email.subject)
  const metadata = {
    messageId: email.messageId, inReplyTo: email.inReplyTo, subject: email.subject, from: email.from,
    ...(answered ? { repliesTo: answered.messageId, latencyHours } : {}),
    // An out-of-office answer is stored, never counted as the buyer engaging.
    ...(autoReply ? { autoReply: true, autoReplyReason: autoReply } : {}),
  }
  const rows: EventRow[] = (dealIds.length ? dealIds : [null]).map(dealId => ({
    type: 'email_received', occurredAt: email.date, source: 'email_inbound', externalId: email.messageId, actorEmail: email.from,
    dealId, contactId, accountId: sender?.accountId ?? null, metadata,
  }))
  const written = await writeEvents(tx, tenantId, rows)
  return { status: 'threaded' as const, dealIds, contactId, latencyHours, inserted: written.inserted }
}

/** Replies that matched no one, newest first, for review. */
export function unmatchedReplies(tx: Tx, tenantId: string, limit = 100) {
  return tx
    .select({
      id: emailMessages.id,
      messageId: emailMessages.messageId,
      from: emailMessages.fromAddress,
      to: emailMessages.toAddress,
      subject: emailMessages.subject,
      at: emailMessages.at,
    })
    .from(emailMessages)
    .where(
      and(
        eq(emailMessages.tenantId, tenantId),
        eq(emailMessages.direction, 'received'),
        isNull(emailMessages.contactId),
        isNull(emailMessages.dealId),
      ),
    )
    .orderBy(desc(emailMessages.at))
    .limit(limit)
}
