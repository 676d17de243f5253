import { z } from 'zod'
import { notes } from '../../../db/schema'
import type { Tx } from '../core/db'
import { recordSentMessage } from '../email/tracking/ingest'
import { notifyMentions } from '../notifications/mentions'
import { ingestEvents } from './ingest'
import { IsoDateTime } from '../core/dates'

export const ACTIVITY_TYPES = ['call', 'meeting_scheduled', 'meeting_held', 'note', 'email_sent', 'email_received'] as const
export const CALL_OUTCOMES = ['connected', 'voicemail', 'no_answer', 'busy', 'wrong_number'] as const

/** What a rep logs by hand: a call (duration, outcome), a meeting, a note or an email. */
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
    outcome: z.enum(CALL_OUTCOMES).optional(),
    subject: z.string().trim().max(500).optional(),
    body: z.string().max(20_000).optional(),
    /** An email's RFC 5322 Message-ID and the provider's id for it: tracking events and replies find the deal by them. */
    messageId: z.string().trim().min(3).max(998).optional(),
    providerMessageId: z.string().trim().min(1).max(255).optional(),
  })
  .strict()
  .refine(a => Boolean(a.dealId || a.contactId || a.accountId), { path: ['dealId'], message: 'name a deal, contact or account' })
  .refine(a => a.type !== 'note' || Boolean(a.body?.trim()), { path: ['body'], message: 'a note needs a body' })
  .refine(a => a.type === 'call' || (a.durationSeconds === undefined && a.outcome === undefined), {
    path: ['outcome'],
    message: 'only calls have a duration and an outcome',
  })
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
  const { type, occurredAt, dealId, contactId, accountId, ...details } = activity
  const metadata = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined))
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
