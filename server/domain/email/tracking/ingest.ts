import { and, eq, sql } from 'drizzle-orm'
import { emailMessages, webhookTokens, type EmailProvider } from '../../../../db/schema'
import type { AppDatabase } from '../../../../db/client'
import type { Tx } from '../../core/db'
import { normalizeEvents } from '../../events/normalize'
import type { EventInput } from '../../events/schema'
import { writeEvents } from '../../events/write'
import { machineReason } from './machine'
import type { EmailEvent } from './normalize'
import { FRESH_SECONDS } from './verify'

/**
 * Stores provider tracking events as our email events on the contact and their open deals (or
 * on the deal of the message, when we know the message). Idempotent by the provider's event id:
 * a retried event is counted as a duplicate. Machine opens and clicks are stored flagged.
 */
export async function ingestEmailEvents(tx: Tx, tenantId: string, provider: EmailProvider, batch: readonly EmailEvent[]) {
  if (!batch.length) return { inserted: 0, duplicates: 0, unmatched: 0, machine: 0 }
  const providerIds = [...new Set(batch.map(e => e.providerMessageId).filter((id): id is string => Boolean(id)))]
  const messageIds = [...new Set(batch.map(e => e.messageId).filter((id): id is string => Boolean(id)))]
  const known
    = providerIds.length || messageIds.length
      ? await tx
          .select()
          .from(emailMessages)
          .where(
            and(
              eq(emailMessages.tenantId, tenantId),
              sql`(${emailMessages.providerMessageId} in ${providerIds.length ? providerIds : ['']}
        or ${emailMessages.messageId} in ${messageIds.length ? messageIds : ['']})`,
            ),
          )
      : []
  const messageOf = (e: EmailEvent) =>
    known.find(m => (e.providerMessageId && m.providerMessageId === e.providerMessageId) || (e.messageId && m.messageId === e.messageId))
    ?? null
  const clicks = batch.filter(e => e.type === 'email_clicked')

  const inputs = batch.map((e) => {
    const message = messageOf(e)
    const reason = machineReason(e, message, clicks)
    const input: EventInput = {
      type: e.type,
      occurredAt: e.at,
      source: provider,
      externalId: e.eventId,
      actor: e.recipient ? { email: e.recipient } : {},
      subject: {
        dealId: message?.dealId ?? undefined,
        contactId: message?.contactId ?? undefined,
        email: message?.contactId ? undefined : (e.recipient ?? undefined),
      },
      metadata: {
        provider,
        providerMessageId: e.providerMessageId,
        messageId: message?.messageId ?? e.messageId,
        ...(e.url ? { url: e.url } : {}),
        ...(e.userAgent ? { userAgent: e.userAgent } : {}),
        ...(reason ? { machine: true, machineReason: reason } : {}),
      },
    }
    return { e, message, input }
  })
  // Subjects that resolve to no one (an address we do not know) are left out, not failed: providers retry on errors.
  let pending = inputs.filter(i => i.input.subject.dealId || i.input.subject.contactId || i.input.subject.email)
  let unmatched = inputs.length - pending.length
  let normalized = await normalizeEvents(tx, tenantId, pending.map(p => p.input))
  if (normalized.issues.length) {
    const bad = new Set(normalized.issues.map(i => i.index))
    unmatched += bad.size
    pending = pending.filter((_, i) => !bad.has(i))
    normalized = await normalizeEvents(tx, tenantId, pending.map(p => p.input))
  }
  const written = await writeEvents(tx, tenantId, normalized.events)

  // What later events are judged against: when each message was delivered, and its last click.
  for (const { e, message } of pending) {
    if (!message) continue
    if (e.type === 'email_delivered' && !message.deliveredAt) {
      await tx
        .update(emailMessages)
        .set({ deliveredAt: e.at })
        .where(and(eq(emailMessages.tenantId, tenantId), eq(emailMessages.id, message.id)))
      message.deliveredAt = e.at
    }
    if (e.type === 'email_clicked') {
      await tx
        .update(emailMessages)
        .set({ lastClickAt: e.at, lastClickUrl: e.url })
        .where(and(eq(emailMessages.tenantId, tenantId), eq(emailMessages.id, message.id)))
    }
  }
  return {
    inserted: written.inserted,
    duplicates: written.duplicates,
    unmatched,
    machine: pending.filter(p => p.input.metadata.machine).length,
  }
}

/** Claims a Mailgun token (replays within the freshness window are refused); forgets expired ones. */
export async function claimWebhookToken(db: AppDatabase, connectionId: string, token: string): Promise<boolean> {
  await db.delete(webhookTokens).where(sql`${webhookTokens.seenAt} < now() - make_interval(secs => ${FRESH_SECONDS * 2})`)
  const claimed = await db
    .insert(webhookTokens)
    .values({ connectionId, token })
    .onConflictDoNothing()
    .returning({ token: webhookTokens.token })
  return claimed.length === 1
}

/** Records a message the app sent or logged, so tracking events and replies find its deal. */
export async function recordSentMessage(
  tx: Tx,
  tenantId: string,
  input: {
    messageId: string
    providerMessageId?: string | null
    dealId?: string | null
    contactId?: string | null
    to?: string | null
    subject?: string | null
    at: Date
  },
) {
  await tx
    .insert(emailMessages)
    .values({
      tenantId,
      direction: 'sent',
      messageId: input.messageId.replace(/^<|>$/g, ''),
      providerMessageId: input.providerMessageId ?? null,
      dealId: input.dealId ?? null,
      contactId: input.contactId ?? null,
      toAddress: input.to ?? null,
      subject: input.subject ?? null,
      at: input.at,
    })
    .onConflictDoUpdate({
      target: [emailMessages.tenantId, emailMessages.messageId],
      set: {
        providerMessageId: sql`coalesce(excluded.provider_message_id, ${emailMessages.providerMessageId})`,
        dealId: sql`coalesce(excluded.deal_id, ${emailMessages.dealId})`,
      },
    })
}
