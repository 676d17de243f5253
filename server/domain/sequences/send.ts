import { and, eq, sql } from 'drizzle-orm'
import { sequenceEnrolments, sequenceSends, type EnrolmentStatus, type SequenceStep } from '../../../db/schema'
import { queryRows, type AppDatabase } from '../../../db/client'
import { withTenant } from '../core/db'
import { recordSentMessage } from '../email/tracking/ingest'
import { ingestEvents } from '../events/ingest'
import { newMessageId, type Mailer } from '../email/mailer'
import { addBusinessDays } from '../tasks/schedule'
import { STOP_EVENTS } from './sequences'
import { renderTemplate } from './templates'

interface DueStep {
  id: string
  sequenceId: string
  steps: SequenceStep[]
  nextStep: number
  contactId: string
  dealId: string | null
  senderId: string
  enrolledAt: Date
  firstName: string
  lastName: string
  email: string | null
  title: string | null
  accountName: string | null
  dealName: string | null
  senderName: string
  senderEmail: string
  stop: string | null
  sentToday: number
}

/**
 * Sends the due step of each active enrolment: skipped and the enrolment stopped when the contact
 * replied (an `email_received` on the contact, or on the deal), bounced or unsubscribed since
 * enrolling; held back while the sender reached their daily limit. Each email gets our
 * Message-ID, is recorded in email_messages (replies thread back) and is written as
 * `email_sent` through the one ingestion path. A step is sent at most once (sequence_sends).
 */
export async function sendDueSteps(db: AppDatabase, tenantId: string, now: Date, mailer: Mailer | null, dailyLimit: number) {
  const result = { sent: 0, stopped: 0, completed: 0, deferred: 0, failed: 0 }
  if (!mailer) return { ...result, skipped: 'smtp_not_configured' }
  const dayStart = `${now.toISOString().slice(0, 10)}T00:00:00Z`
  const due = await withTenant(db, tenantId, tx =>
    queryRows<DueStep>(
      tx,
      sql`
    select en.id, en.sequence_id as "sequenceId", s.steps, en.next_step as "nextStep", en.contact_id as "contactId", en.deal_id as "dealId",
           en.sender_id as "senderId", en.enrolled_at as "enrolledAt", c.first_name as "firstName", c.last_name as "lastName",
           c.email, c.title,
           coalesce(a.name, da.name) as "accountName", d.name as "dealName", u.name as "senderName", u.email as "senderEmail",
           (select e.type from events e where e.tenant_id = en.tenant_id and e.occurred_at >= en.enrolled_at
              and e.type in (${sql.join(
                Object.keys(STOP_EVENTS).map(t => sql`${t}`),
                sql`, `,
              )})
              and (e.contact_id = en.contact_id or (en.deal_id is not null and e.deal_id = en.deal_id and e.type = 'email_received'))
            order by e.occurred_at limit 1) as stop,
           (select count(*)::int from sequence_sends ss
            where ss.tenant_id = en.tenant_id and ss.sender_id = en.sender_id and ss.sent_at >= ${dayStart}::timestamptz) as "sentToday"
    from sequence_enrolments en
    join sequences s on s.tenant_id = en.tenant_id and s.id = en.sequence_id
    join contacts c on c.tenant_id = en.tenant_id and c.id = en.contact_id
    join users u on u.tenant_id = en.tenant_id and u.id = en.sender_id
    left join accounts a on a.tenant_id = c.tenant_id and a.id = c.account_id
    left join deals d on d.tenant_id = en.tenant_id and d.id = en.deal_id
    left join accounts da on da.tenant_id = d.tenant_id and da.id = d.account_id
    where en.tenant_id = ${tenantId}::uuid and en.status = 'active' and en.next_due_at <= ${now.toISOString()}::timestamptz
    order by en.next_due_at limit 200`,
    ),
  )
  const sentBy = new Map<string, number>()
  for (const step of due) {
    const finish = (status: EnrolmentStatus) =>
      withTenant(db, tenantId, tx =>
        tx
          .update(sequenceEnrolments)
          .set({ status, finishedAt: now, nextDueAt: null })
          .where(
            and(eq(sequenceEnrolments.tenantId, tenantId), eq(sequenceEnrolments.id, step.id), eq(sequenceEnrolments.status, 'active')),
          ),
      )
    if (step.stop || !step.email) {
      await finish(step.stop ? STOP_EVENTS[step.stop]! : 'bounced')
      result.stopped++
      continue
    }
    const template = step.steps[step.nextStep]
    if (!template) {
      await finish('completed')
      result.completed++
      continue
    }
    const sent = sentBy.get(step.senderId) ?? step.sentToday
    if (sent >= dailyLimit) {
      result.deferred++
      continue
    }
    const values = {
      'contact.firstName': step.firstName, 'contact.lastName': step.lastName, 'contact.email': step.email, 'contact.title': step.title,
      'account.name': step.accountName, 'deal.name': step.dealName, 'sender.name': step.senderName, 'sender.email': step.senderEmail,
    }
    const subject = renderTemplate(template.subject, values)
    const messageId = newMessageId(mailer.from)
    try {
      await withTenant(db, tenantId, async (tx) => {
        const claimed = await tx
          .insert(sequenceSends)
          .values({ tenantId, enrolmentId: step.id, step: step.nextStep, senderId: step.senderId, messageId, sentAt: now })
          .onConflictDoNothing()
          .returning({ step: sequenceSends.step })
        if (claimed.length) {
          await mailer.send({
            to: step.email!,
            subject,
            text: renderTemplate(template.body, values),
            fromName: step.senderName,
            replyTo: step.senderEmail,
            messageId,
          })
          await recordSentMessage(tx, tenantId, {
            messageId,
            dealId: step.dealId,
            contactId: step.contactId,
            to: step.email,
            subject,
            at: now,
          })
          await ingestEvents(
            tx,
            tenantId,
            [
              {
                type: 'email_sent',
                occurredAt: now,
                source: 'sequence',
                externalId: messageId,
                actor: { userId: step.senderId },
                subject: { contactId: step.contactId, dealId: step.dealId ?? undefined },
                metadata: { messageId, subject, sequenceId: step.sequenceId, step: step.nextStep + 1 },
              },
            ],
            'system',
          )
        }
        const next = step.steps[step.nextStep + 1]
        await tx.update(sequenceEnrolments).set(next
          ? { nextStep: step.nextStep + 1, nextDueAt: addBusinessDays(now, next.waitDays) }
          : { nextStep: step.nextStep + 1, nextDueAt: null, status: 'completed', finishedAt: now })
          .where(and(eq(sequenceEnrolments.tenantId, tenantId), eq(sequenceEnrolments.id, step.id)))
      })
      sentBy.set(step.senderId, sent + 1)
      result.sent++
    }
    catch {
      result.failed++
    }
  }
  return result
}
