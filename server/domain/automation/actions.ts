import { and, eq, sql } from 'drizzle-orm'
import { dealContacts, deals, leads, teams, users } from '../../../db/schema'
import type { Tx } from '../core/db'
import { updateDeal, type DealPatch } from '../deals/records'
import { enrol } from '../sequences/sequences'
import { enqueueDeliveries } from '../webhooks/deliver'
import { activeAdminIds, notify } from '../notifications/notifications'
import { addDays } from '../tasks/schedule'
import { createTask } from '../tasks/tasks'
import { fillText } from './evaluate'
import type { Action } from './schemas'

/** The record a rule acts on, and what set it off. */
export interface Subject {
  deal?: { id: string, name: string, ownerId: string, stage: string, amount: string, accountId: string | null, tags: string[] }
  lead?: { id: string, name: string, ownerId: string | null }
  task?: { id: string, title: string, assigneeId: string }
  event?: { id: string, type: string, contactId: string | null }
}

/** `depth`: how many rules led to the event that set this rule off (0 for a person's or a system's event). */
export interface ActionContext {
  tenantId: string
  now: Date
  rule: { id: string, name: string }
  runId: string
  occurrence: string
  subject: Subject
  depth: number
}

async function managerOf(tx: Tx, tenantId: string, userId: string | null) {
  if (!userId) return null
  const [row] = await tx.select({ managerId: teams.managerId }).from(users)
    .innerJoin(teams, and(eq(teams.tenantId, users.tenantId), eq(teams.id, users.teamId)))
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)))
  return row?.managerId ?? null
}

/** Whose record it is: the deal's or lead's owner, else the task's assignee. */
const ownerOf = (s: Subject) => s.deal?.ownerId ?? s.lead?.ownerId ?? s.task?.assigneeId ?? null

/** Runs one action of a rule for its subject, in the caller's savepoint; answers what it did. */
export async function runAction(tx: Tx, ctx: ActionContext, action: Action): Promise<Record<string, unknown>> {
  const { tenantId, now, subject } = ctx
  const name = subject.deal?.name ?? subject.lead?.name ?? ''
  const text = (t: string) =>
    fillText(t, {
      'deal.name': subject.deal?.name,
      'lead.name': subject.lead?.name,
      'task.title': subject.task?.title,
      'rule.name': ctx.rule.name,
    })
  const link = subject.deal ? `/deals/${subject.deal.id}` : null
  // A change this rule makes says so on its event, one link further down the chain.
  const asRule = { tenantId, userId: null, now, automation: { ruleId: ctx.rule.id, depth: ctx.depth + 1 } }
  switch (action.kind) {
    case 'create_task': {
      const assigneeId
        = action.assignTo === 'manager' ? ((await managerOf(tx, tenantId, ownerOf(subject))) ?? ownerOf(subject)) : ownerOf(subject)
      if (!assigneeId) return { kind: action.kind, skipped: 'no one to assign it to' }
      const task = await createTask(
        tx,
        { tenantId, userId: null, now },
        {
          title: text(action.title),
          dueAt: addDays(now, action.dueInDays),
          assigneeId,
          dealId: subject.deal?.id,
          priority: action.priority,
        },
      )
      await notify(
        tx,
        tenantId,
        [
          {
            userId: assigneeId,
            kind: 'automation',
            title: `New task: ${task.title}`,
            body: `From the rule "${ctx.rule.name}"${name ? ` on ${name}` : ''}`,
            link: link ?? '/tasks',
            dealId: subject.deal?.id,
            taskId: task.id,
            dedupeKey: `run:${ctx.runId}:task`,
          },
        ],
        now,
      )
      return { kind: action.kind, taskId: task.id, assigneeId }
    }
    case 'notify': {
      const owner = ownerOf(subject)
      const to = action.to === 'owner'
        ? [owner]
        : action.to === 'manager'
          ? [await managerOf(tx, tenantId, owner)]
          : await activeAdminIds(tx, tenantId)
      const ids = [...new Set(to.filter((id): id is string => Boolean(id)))]
      const created = await notify(
        tx,
        tenantId,
        ids.map(userId => ({
          userId,
          kind: 'automation',
          title: text(action.message),
          body: name ? `${ctx.rule.name} · ${name}` : ctx.rule.name,
          link,
          dealId: subject.deal?.id,
          dedupeKey: `run:${ctx.runId}:notify:${action.to}`,
        })),
        now,
      )
      return { kind: action.kind, notified: created.map(n => n.userId) }
    }
    case 'assign_owner': {
      if (subject.deal) {
        await updateDeal(tx, asRule, subject.deal.id, { ownerId: action.userId })
        return { kind: action.kind, dealId: subject.deal.id, ownerId: action.userId }
      }
      if (subject.lead) {
        await tx
          .update(leads)
          .set({ ownerId: action.userId, updatedAt: now })
          .where(and(eq(leads.tenantId, tenantId), eq(leads.id, subject.lead.id)))
        return { kind: action.kind, leadId: subject.lead.id, ownerId: action.userId }
      }
      return { kind: action.kind, skipped: 'no deal or lead' }
    }
    case 'set_field': {
      if (!subject.deal) return { kind: action.kind, skipped: 'no deal' }
      const patch: DealPatch = action.field.startsWith('custom.')
        ? { custom: { [action.field.slice(7)]: action.value } }
        : { [action.field]: action.value } as DealPatch
      await updateDeal(tx, asRule, subject.deal.id, patch)
      return { kind: action.kind, field: action.field, value: action.value }
    }
    case 'add_tag': {
      if (!subject.deal) return { kind: action.kind, skipped: 'no deal' }
      await tx
        .update(deals)
        .set({
          tags: sql`(select array_agg(distinct t order by t) from unnest(array_append(${deals.tags}, ${action.tag}::text)) t)`,
          updatedAt: now,
        })
        .where(and(eq(deals.tenantId, tenantId), eq(deals.id, subject.deal.id)))
      return { kind: action.kind, tag: action.tag }
    }
    case 'enrol_in_sequence': {
      const contactIds = subject.event?.contactId
        ? [subject.event.contactId]
        : subject.deal
          ? (
              await tx
                .select({ id: dealContacts.contactId })
                .from(dealContacts)
                .where(and(eq(dealContacts.tenantId, tenantId), eq(dealContacts.dealId, subject.deal.id)))
            ).map(c => c.id)
          : []
      const sender = ownerOf(subject)
      if (!contactIds.length || !sender) return { kind: action.kind, skipped: 'no contact to enrol' }
      const result = await enrol(tx, tenantId, action.sequenceId, { contactIds, dealId: subject.deal?.id, senderId: sender }, now)
      return { kind: action.kind, enrolled: result.enrolled, skippedContacts: result.skipped }
    }
    case 'call_webhook': {
      const queued = await enqueueDeliveries(
        tx,
        tenantId,
        [
          {
            key: `run:${ctx.runId}`,
            type: 'automation.rule',
            occurredAt: now,
            data: {
              rule: ctx.rule,
              occurrence: ctx.occurrence,
              deal: subject.deal ?? null,
              lead: subject.lead ?? null,
              task: subject.task ?? null,
              event: subject.event ?? null,
            },
          },
        ],
        now,
        action.webhookId,
      )
      return { kind: action.kind, queued }
    }
  }
}
