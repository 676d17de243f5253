import { and, asc, count, eq, inArray, sql } from 'drizzle-orm'
import type { z } from 'zod'
import { contacts, deals, sequenceEnrolments, sequences, type EnrolmentStatus } from '../../../db/schema'
import { queryRows } from '../../../db/client'
import type { Tx } from '../core/db'
import { badRequest, notFound } from '../core/errors'
import { checkRecord } from '../records/references'
import { addBusinessDays } from '../tasks/schedule'
import type { EnrolSchema, SequenceCreateSchema } from './templates'

export async function createSequence(
  tx: Tx,
  actor: { tenantId: string, userId: string },
  input: z.output<typeof SequenceCreateSchema>,
  now = new Date(),
) {
  const [row] = await tx
    .insert(sequences)
    .values({ tenantId: actor.tenantId, name: input.name, steps: input.steps, createdById: actor.userId, createdAt: now, updatedAt: now })
    .returning()
  return row!
}

/** The tenant's sequences with how many contacts are in each, by status. */
export async function listSequences(tx: Tx, tenantId: string) {
  const rows = await tx.select().from(sequences).where(eq(sequences.tenantId, tenantId)).orderBy(asc(sequences.createdAt))
  const counts = await tx
    .select({ sequenceId: sequenceEnrolments.sequenceId, status: sequenceEnrolments.status, n: count() })
    .from(sequenceEnrolments)
    .where(eq(sequenceEnrolments.tenantId, tenantId))
    .groupBy(sequenceEnrolments.sequenceId, sequenceEnrolments.status)
  return rows.map(s => ({
    id: s.id,
    name: s.name,
    steps: s.steps,
    createdAt: s.createdAt,
    enrolments: Object.fromEntries(counts.filter(c => c.sequenceId === s.id).map(c => [c.status, c.n])) as Partial<
      Record<EnrolmentStatus, number>
    >,
  }))
}

/**
 * Enrols contacts (the caller sees them, they have an email address) in a sequence, sent by
 * `senderId`; the first step is due after its wait. A contact already in the sequence is skipped.
 */
export async function enrol(
  tx: Tx,
  tenantId: string,
  sequenceId: string,
  input: z.output<typeof EnrolSchema> & { senderId: string },
  now = new Date(),
) {
  const [sequence] = await tx
    .select()
    .from(sequences)
    .where(and(eq(sequences.tenantId, tenantId), eq(sequences.id, sequenceId)))
  if (!sequence) throw notFound('sequence')
  await checkRecord(tx, tenantId, deals, input.dealId, 'dealId', 'deal')
  const found = await tx
    .select({ id: contacts.id, email: contacts.email })
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), inArray(contacts.id, input.contactIds)))
  input.contactIds.forEach((id, i) => {
    const contact = found.find(c => c.id === id)
    if (!contact) throw badRequest(`contactIds.${i}`, 'no such contact')
    if (!contact.email) throw badRequest(`contactIds.${i}`, 'the contact has no email address')
  })
  const due = addBusinessDays(now, sequence.steps[0]!.waitDays)
  const payload = JSON.stringify([...new Set(input.contactIds)].map(contact_id => ({ contact_id })))
  const created = await queryRows<{ id: string, contactId: string }>(
    tx,
    sql`
    insert into sequence_enrolments (tenant_id, sequence_id, contact_id, deal_id, sender_id, next_due_at, enrolled_at)
    select ${tenantId}::uuid, ${sequenceId}::uuid, x.contact_id, ${input.dealId ?? null}::uuid, ${input.senderId}::uuid,
           ${due.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
    from json_to_recordset(${payload}::json) as x(contact_id uuid)
    on conflict (tenant_id, sequence_id, contact_id) where status = 'active' do nothing
    returning id, contact_id as "contactId"`,
  )
  return { enrolled: created.length, skipped: input.contactIds.length - created.length, enrolments: created }
}

/** What stops an enrolment, by the event that says so. */
export const STOP_EVENTS: Record<string, EnrolmentStatus> = {
  email_received: 'replied', email_bounced: 'bounced', email_unsubscribed: 'unsubscribed', email_spam_report: 'unsubscribed',
}

/** Stops the active enrolments of contacts who replied, bounced or unsubscribed (from events as they arrive). */
export async function stopEnrolments(
  tx: Tx,
  tenantId: string,
  stops: readonly { contactId: string | null, dealId: string | null, type: string }[],
  now: Date,
) {
  let stopped = 0
  for (const s of stops) {
    const status = STOP_EVENTS[s.type]
    if (!status || (!s.contactId && !(s.dealId && s.type === 'email_received'))) continue
    const rows = await tx
      .update(sequenceEnrolments)
      .set({ status, finishedAt: now, nextDueAt: null })
      .where(
        and(
          eq(sequenceEnrolments.tenantId, tenantId),
          eq(sequenceEnrolments.status, 'active'),
          s.contactId ? eq(sequenceEnrolments.contactId, s.contactId) : eq(sequenceEnrolments.dealId, s.dealId!),
        ),
      )
      .returning({ id: sequenceEnrolments.id })
    stopped += rows.length
  }
  return stopped
}
