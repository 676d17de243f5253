import { and, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import { contacts, dealContacts, deals, notes } from '../../../db/schema'
import { invalidInput } from '../core/errors'
import type { Tx } from '../core/db'
import { recordSentMessage } from '../email/tracking/ingest'
import { notifyMentions } from '../notifications/mentions'
import { ingestEvents } from './ingest'
import { IsoDateTime } from '../core/dates'

export const ACTIVITY_TYPES = ['call', 'meeting_scheduled', 'meeting_held', 'note', 'email_sent', 'email_received'] as const
export const CALL_OUTCOMES = ['connected', 'voicemail', 'no_answer', 'busy', 'wrong_number'] as const

const MEETING_TYPES: readonly string[] = ['meeting_scheduled', 'meeting_held']
const only = (what: string, field: string) => ({
  path: [field],
  message: `only ${what} have ${field === 'attendeeIds' ? 'attendees' : `a ${field}`}`,
})

/**
 * What a rep logs by hand: a call (outcome, duration in minutes or seconds), a meeting (title,
 * attendees: contact ids of the deal's account or people), a note or an email.
 */
export const ActivitySchema = z
  .object({
    type: z.enum(ACTIVITY_TYPES),
    occurredAt: IsoDateTime().optional(),
    dealId: z.uuid().optional(),
    contactId: z.uuid().optional(),
    accountId: z.uuid().optional(),
    durationSeconds: z
      .number()
      .int()
      .min(0)
      .max(24 * 3600)
      .optional(),
    /** A call's length in whole minutes (stored as `durationSeconds`); give this or `durationSeconds`. */
    durationMinutes: z.number().int().min(0).max(24 * 60).optional(),
    outcome: z.enum(CALL_OUTCOMES).optional(),
    subject: z.string().trim().max(500).optional(),
    body: z.string().max(20_000).optional(),
    /** A meeting's title. */
    title: z.string().trim().min(1, 'required').max(200).optional(),
    /** A meeting's attendees: contacts of the deal's account or on the deal (or of the account, or the contact, logged on). */
    attendeeIds: z.array(z.uuid('not a valid id')).max(50).optional(),
    /** An email's RFC 5322 Message-ID and the provider's id for it: tracking events and replies find the deal by them. */
    messageId: z.string().trim().min(3).max(998).optional(),
    providerMessageId: z.string().trim().min(1).max(255).optional(),
  })
  .strict()
  .refine(a => Boolean(a.dealId || a.contactId || a.accountId), { path: ['dealId'], message: 'name a deal, contact or account' })
  .refine(a => a.type !== 'note' || Boolean(a.body?.trim()), { path: ['body'], message: 'a note needs a body' })
  .refine(a => a.type === 'call' || a.outcome === undefined, only('calls', 'outcome'))
  .refine(a => a.type === 'call' || a.durationMinutes === undefined, only('calls', 'durationMinutes'))
  .refine(a => a.type === 'call' || a.durationSeconds === undefined, only('calls', 'durationSeconds'))
  .refine(a => a.durationMinutes === undefined || a.durationSeconds === undefined, {
    path: ['durationMinutes'],
    message: 'give durationMinutes or durationSeconds, not both',
  })
  .refine(a => MEETING_TYPES.includes(a.type) || a.title === undefined, only('meetings', 'title'))
  .refine(a => MEETING_TYPES.includes(a.type) || a.attendeeIds === undefined, only('meetings', 'attendeeIds'))
  .refine(a => a.type === 'email_sent' || (a.messageId === undefined && a.providerMessageId === undefined), {
    path: ['messageId'],
    message: 'only sent emails have message ids',
  })
export type Activity = z.output<typeof ActivitySchema>

/**
 * Logs an activity as an event through the one ingestion path (and a note also as a note
 * record, for search, notifying the people it @mentions), in the caller's transaction.
 */
export async function logActivity(tx: Tx, actor: { tenantId: string, userId: string }, activity: Activity, now = new Date()) {
  const { type, occurredAt, dealId, contactId, accountId, durationMinutes, attendeeIds, ...details } = activity
  if (attendeeIds?.length) await assertAttendees(tx, actor.tenantId, { dealId, contactId, accountId }, attendeeIds)
  const metadata = Object.fromEntries(
    Object.entries({
      ...details,
      ...(durationMinutes === undefined ? {} : { durationSeconds: durationMinutes * 60 }),
      ...(attendeeIds?.length ? { attendeeIds: [...new Set(attendeeIds.map(id => id.toLowerCase()))] } : {}),
    }).filter(([, v]) => v !== undefined),
  )
  const result = await ingestEvents(tx, actor.tenantId, [{
    type, occurredAt: occurredAt ?? now, source: 'direct', actor: { userId: actor.userId },
    subject: { dealId, contactId, accountId }, metadata,
  }], 'system')
  if (type === 'email_sent' && activity.messageId) {
    await recordSentMessage(tx, actor.tenantId, {
      messageId: activity.messageId,
      providerMessageId: activity.providerMessageId,
      dealId,
      contactId,
      subject: activity.subject,
      at: occurredAt ?? now,
    })
  }
  if (type === 'note') {
    const [note] = await tx
      .insert(notes)
      .values({
        tenantId: actor.tenantId,
        authorId: actor.userId,
        dealId,
        contactId,
        accountId,
        body: activity.body!,
        createdAt: occurredAt ?? now,
      })
      .returning({ id: notes.id })
    await notifyMentions(tx, actor.tenantId, { id: note!.id, authorId: actor.userId, body: activity.body!, dealId })
  }
  return result
}

/**
 * Meeting attendees must be people of what the meeting is about: on the deal or of its account
 * (when logged on a deal), of the account, or the contact it is logged on; each is read through
 * the caller's transaction, so a contact they cannot see does not resolve. 400 naming
 * `attendeeIds.<i>` otherwise.
 */
async function assertAttendees(
  tx: Tx,
  tenantId: string,
  on: { dealId?: string, contactId?: string, accountId?: string },
  attendeeIds: readonly string[],
) {
  const ids = [...new Set(attendeeIds.map(id => id.toLowerCase()))]
  const found = await tx.select({ id: contacts.id, accountId: contacts.accountId }).from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), inArray(contacts.id, ids)))
  const allowedAccounts = new Set<string>(on.accountId ? [on.accountId] : [])
  const onDeal = new Set<string>()
  if (on.dealId) {
    const [deal] = await tx.select({ accountId: deals.accountId }).from(deals)
      .where(and(eq(deals.tenantId, tenantId), eq(deals.id, on.dealId)))
    if (deal?.accountId) allowedAccounts.add(deal.accountId)
    const people = await tx.select({ id: dealContacts.contactId }).from(dealContacts)
      .where(and(eq(dealContacts.tenantId, tenantId), eq(dealContacts.dealId, on.dealId)))
    for (const p of people) onDeal.add(p.id)
  }
  const ok = (id: string) => {
    const contact = found.find(c => c.id === id)
    if (!contact) return false
    return id === on.contactId?.toLowerCase() || onDeal.has(id) || (contact.accountId !== null && allowedAccounts.has(contact.accountId))
  }
  const bad = attendeeIds.map((id, index) => ({ id: id.toLowerCase(), index })).filter(a => !ok(a.id))
  if (bad.length) {
    throw invalidInput(bad.map(a => ({ path: `attendeeIds.${a.index}`, message: 'not a person of this deal, account or contact' })))
  }
}
