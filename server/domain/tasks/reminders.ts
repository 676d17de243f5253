import { and, eq, inArray, sql } from 'drizzle-orm'
import { deals } from '../../../db/schema'
import { queryRows } from '../../../db/client'
import type { Tx } from '../core/db'
import { publish } from '../events/bus'
import type { Mailer } from '../email/mailer'
import { emailRecipients, notify, type CreatedNotification } from '../notifications/notifications'

/** Notifies each deal's owner of alerts raised on it (once per alert). */
export async function notifyAlerts(
  tx: Tx,
  tenantId: string,
  raised: readonly { id: string, dealId: string, kind: string, message: string }[],
  now = new Date(),
) {
  if (!raised.length) return []
  const owners = await tx
    .select({ id: deals.id, name: deals.name, ownerId: deals.ownerId })
    .from(deals)
    .where(and(eq(deals.tenantId, tenantId), inArray(deals.id, [...new Set(raised.map(a => a.dealId))])))
  const deal = new Map(owners.map(d => [d.id, d]))
  return notify(
    tx,
    tenantId,
    raised.flatMap((a) => {
      const d = deal.get(a.dealId)
      // Momentum's alert messages name the deal already; the no-next-step one does not.
      const title = a.message.includes(d?.name ?? '\u0000') ? a.message : `${d?.name}: ${a.message}`
      return d
        ? [{ userId: d.ownerId, kind: 'alert' as const, title, link: `/deals/${d.id}`, dealId: d.id, dedupeKey: `alert:${a.id}` }]
        : []
    }),
    now,
  )
}

/**
 * Flags every open deal without an open task: one `no_next_step` alert per deal and occurrence —
 * the occurrence is when the deal lost its next step (its last task's completion, or its creation),
 * so a re-run raises nothing new and a deal that gets a task and completes it can be flagged again.
 * Alerts of deals that have a task again are resolved.
 */
export async function flagNoNextStep(tx: Tx, tenantId: string, now: Date) {
  const at = now.toISOString()
  const resolved = await queryRows<{ id: string }>(tx, sql`
    update alerts a set status = 'resolved', closed_at = ${at}::timestamptz
    where a.tenant_id = ${tenantId}::uuid and a.kind = 'no_next_step' and a.status = 'open'
      and exists (select 1 from tasks t where t.tenant_id = a.tenant_id and t.deal_id = a.deal_id and t.done_at is null)
    returning a.id`)
  const raised = await queryRows<{ id: string, dealId: string, kind: string, message: string }>(
    tx,
    sql`
    insert into alerts (tenant_id, deal_id, kind, occurrence, message, created_at)
    select d.tenant_id, d.id, 'no_next_step',
           to_char(coalesce((select max(t.done_at) from tasks t where t.tenant_id = d.tenant_id and t.deal_id = d.id), d.created_at)
                   at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'),
           'No next step: the deal has no open task', ${at}::timestamptz
    from deals d
    join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage and s.kind = 'open'
    where d.tenant_id = ${tenantId}::uuid and d.created_at <= ${at}::timestamptz
      and not exists (select 1 from tasks t where t.tenant_id = d.tenant_id and t.deal_id = d.id and t.done_at is null)
    on conflict do nothing
    returning id, deal_id as "dealId", kind::text as kind, message`,
  )
  if (raised.length) await publish(tx, [{ tenantId, topic: 'alert.created', data: { alerts: raised.slice(0, 50) } }])
  await notifyAlerts(tx, tenantId, raised, now)
  return { raised: raised.length, resolved: resolved.length }
}

/**
 * Reminds each assignee of their tasks that fell due: one in-app notification per task and due
 * time (a rescheduled task is reminded again, a re-run never), in the caller's transaction.
 * Answers the notifications raised, for `emailReminders` after commit.
 */
export async function remindDueTasks(tx: Tx, tenantId: string, now: Date): Promise<CreatedNotification[]> {
  const due = await queryRows<{
    id: string
    title: string
    dueAt: Date
    assigneeId: string
    dealId: string | null
    dealName: string | null
  }>(
    tx,
    sql`
    update tasks t set reminded_for = t.due_at
    from tasks o left join deals d on d.tenant_id = o.tenant_id and d.id = o.deal_id
    where o.tenant_id = t.tenant_id and o.id = t.id
      and t.tenant_id = ${tenantId}::uuid and t.done_at is null and t.assignee_id is not null
      and t.due_at <= ${now.toISOString()}::timestamptz and t.reminded_for is distinct from t.due_at
    returning t.id, t.title, t.due_at as "dueAt", t.assignee_id as "assigneeId", t.deal_id as "dealId", d.name as "dealName"`,
  )
  return notify(
    tx,
    tenantId,
    due.map(t => ({
      userId: t.assigneeId,
      kind: 'reminder',
      title: `Due: ${t.title}`,
      body: t.dealName ? `On ${t.dealName}` : null,
      link: t.dealId ? `/deals/${t.dealId}` : '/tasks',
      dealId: t.dealId,
      taskId: t.id,
      dedupeKey: `task:${t.id}:${new Date(t.dueAt).toISOString()}`,
    })),
    now,
  )
}

/** Emails reminders to the assignees who want them (after the notifications committed); failures are counted, not retried. */
export async function emailReminders(
  tx: Tx,
  tenantId: string,
  reminders: readonly CreatedNotification[],
  mailer: Mailer | null,
  appUrl: string,
) {
  if (!mailer || !reminders.length) return { emailed: 0, failed: 0 }
  const recipients = await emailRecipients(
    tx,
    tenantId,
    reminders.map(r => r.userId),
    'reminderEmail',
  )
  let emailed = 0
  let failed = 0
  for (const r of reminders) {
    const to = recipients.get(r.userId)
    if (!to) continue
    try {
      await mailer.send({
        to: to.email,
        subject: r.title,
        text: [`Hi ${to.name},`, '', r.title, r.body ?? '', '', `${appUrl}${r.link ?? '/tasks'}`].join('\n'),
      })
      emailed++
    }
    catch {
      failed++
    }
  }
  return { emailed, failed }
}
