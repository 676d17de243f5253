import { and, eq, inArray, sql } from 'drizzle-orm'
import { automationRules, automationRuns } from '../../../db/schema'
import { queryRows, type AppDatabase } from '../../../db/client'
import { withTenant, type Tx } from '../core/db'
import { stopEnrolments } from '../sequences/sequences'
import { enqueueDeliveries } from '../webhooks/deliver'
import { runAction, type Subject } from './actions'
import { dealSubject, factsOf, loadDeals, timeOccurrences, type Occurrence } from './candidates'
import { conditionsMatch, triggerMatchesEvent } from './evaluate'
import { EVENT_TRIGGERS, type Action, type Condition, type Trigger } from './schemas'

export interface Rule { id: string, name: string, trigger: Trigger, conditions: Condition[], actions: Action[], createdAt: Date }

const isEventTrigger = (t: Trigger) => (EVENT_TRIGGERS as readonly string[]).includes(t.kind)

/**
 * How deep rules may set each other off: a rule's change is an event that may fire rules, whose
 * changes may fire more. Past this depth a rule is not run (its run log says why), so two rules
 * that undo each other stop instead of writing events for ever.
 */
export const MAX_RULE_DEPTH = 3

/** How many rules led to an event (the depth its automation metadata records; 0 for others). */
export function ruleDepth(metadata: Record<string, unknown> | null | undefined): number {
  const depth = (metadata?.automation as { depth?: unknown } | undefined)?.depth
  return typeof depth === 'number' && Number.isInteger(depth) && depth > 0 ? depth : 0
}

async function activeRules(tx: Tx, tenantId: string): Promise<Rule[]> {
  const rows = await tx.select().from(automationRules).where(and(eq(automationRules.tenantId, tenantId), eq(automationRules.active, true)))
  return rows as unknown as Rule[]
}

/**
 * Fires a rule for one occurrence at most once: the run-log row (unique per rule and occurrence)
 * is claimed first; the actions run in a savepoint, so a failing action leaves the rest of the
 * batch alone and the run logged as failed (not retried: at most once).
 */
async function fire(
  tx: Tx,
  tenantId: string,
  rule: Rule,
  occurrence: Occurrence,
  now: Date,
  depth = 0,
): Promise<'done' | 'failed' | 'duplicate'> {
  const tooDeep = depth >= MAX_RULE_DEPTH
  const [run] = await tx
    .insert(automationRuns)
    .values({
      tenantId,
      ruleId: rule.id,
      occurrence: occurrence.key,
      dealId: occurrence.subject.deal?.id ?? null,
      leadId: occurrence.subject.lead?.id ?? null,
      createdAt: now,
      ...(tooDeep
        ? {
            status: 'failed' as const,
            error:
              `not run: the event was made by a chain of ${depth} rules; `
              + `rules set each other off at most ${MAX_RULE_DEPTH} deep (do two rules undo each other?)`,
          }
        : { status: 'done' as const }),
    })
    .onConflictDoNothing()
    .returning({ id: automationRuns.id })
  if (!run) return 'duplicate'
  if (tooDeep) return 'failed'
  const ctx = {
    tenantId,
    now,
    rule: { id: rule.id, name: rule.name },
    runId: run.id,
    occurrence: occurrence.key,
    subject: occurrence.subject,
    depth,
  }
  try {
    const results = await tx.transaction(async (sp) => {
      const out: Record<string, unknown>[] = []
      for (const action of rule.actions) out.push(await runAction(sp, ctx, action))
      return out
    })
    await tx
      .update(automationRuns)
      .set({ results })
      .where(and(eq(automationRuns.tenantId, tenantId), eq(automationRuns.id, run.id)))
    return 'done'
  }
  catch (error) {
    // A refused action (a 400 of the domain) says why in its data: keep that in the log.
    const data = (error as { data?: unknown }).data
    const message = `${error instanceof Error ? error.message : String(error)}${data ? `: ${JSON.stringify(data)}` : ''}`
    await tx
      .update(automationRuns)
      .set({ status: 'failed', error: message.slice(0, 1000) })
      .where(and(eq(automationRuns.tenantId, tenantId), eq(automationRuns.id, run.id)))
    return 'failed'
  }
}

interface QueuedEvent {
  id: string
  type: string
  source: string
  occurredAt: Date
  dealId: string | null
  contactId: string | null
  accountId: string | null
  actorUserId: string | null
  metadata: Record<string, unknown>
}

/** Events old enough to be history (imports, backfills) do not set off rules, nor events from before a rule existed. */
const fresh = (e: QueuedEvent, rule: Rule, now: Date) =>
  e.occurredAt.getTime() >= Math.max(rule.createdAt.getTime() - 60_000, now.getTime() - 86_400_000)

/**
 * Drains the tenant's automation queue (events as the writer queued them, in their own
 * transaction): stops sequence enrolments of contacts who replied, bounced or unsubscribed;
 * queues webhook deliveries; fires event-triggered rules whose conditions hold. Batches are
 * claimed with SKIP LOCKED, so processes share the work and a crash leaves it for the next run.
 */
export async function processQueue(db: AppDatabase, tenantId: string, now: Date) {
  const totals = { events: 0, fired: 0, failed: 0, deliveries: 0, stopped: 0 }
  for (let round = 0; round < 20; round++) {
    const batch = await withTenant(db, tenantId, async (tx) => {
      const events = await queryRows<QueuedEvent>(tx, sql`
        select q.event_id as id, e.type, e.source, e.occurred_at as "occurredAt", e.deal_id as "dealId", e.contact_id as "contactId",
               e.account_id as "accountId", e.actor_user_id as "actorUserId", e.metadata
        from automation_queue q
        join events e on e.tenant_id = q.tenant_id and e.occurred_at = q.occurred_at and e.id = q.event_id
        where q.tenant_id = ${tenantId}::uuid
        order by q.queued_at, q.event_id limit 500
        for update of q skip locked`).then(rows => rows.map(e => ({ ...e, occurredAt: new Date(e.occurredAt) })))
      if (!events.length) {
        // Rows whose event is gone (an erased contact's) would otherwise stay forever.
        await tx.execute(
          sql`delete from automation_queue q
            where q.tenant_id = ${tenantId}::uuid and q.queued_at < ${new Date(now.getTime() - 86_400_000).toISOString()}::timestamptz`,
        )
        return 0
      }
      totals.stopped += await stopEnrolments(tx, tenantId, events, now)
      totals.deliveries += await enqueueDeliveries(
        tx,
        tenantId,
        events.map(e => ({
          key: `event:${e.id}`,
          type: e.type,
          occurredAt: e.occurredAt,
          data: {
            id: e.id,
            type: e.type,
            source: e.source,
            occurredAt: e.occurredAt,
            dealId: e.dealId,
            contactId: e.contactId,
            accountId: e.accountId,
            actorUserId: e.actorUserId,
            metadata: e.metadata,
          },
        })),
        now,
      )
      const rules = (await activeRules(tx, tenantId)).filter(r => isEventTrigger(r.trigger))
      const deals = await loadDeals(tx, tenantId, events.flatMap(e => (e.dealId ? [e.dealId] : [])))
      for (const e of events) {
        for (const rule of rules) {
          if (!fresh(e, rule, now) || !triggerMatchesEvent(rule.trigger, e)) continue
          const deal = e.dealId ? deals.get(e.dealId) : undefined
          const facts = deal ? factsOf(deal, e) : { 'event.type': e.type, 'event.source': e.source }
          if (!conditionsMatch(rule.conditions, facts)) continue
          const subject: Subject = { deal: deal ? dealSubject(deal) : undefined, event: { id: e.id, type: e.type, contactId: e.contactId } }
          const outcome = await fire(tx, tenantId, rule, { key: `event:${e.id}`, subject, facts }, now, ruleDepth(e.metadata))
          if (outcome === 'done') totals.fired++
          if (outcome === 'failed') totals.failed++
        }
      }
      await tx.execute(
        sql`delete from automation_queue
          where tenant_id = ${tenantId}::uuid and event_id = any(${`{${events.map(e => e.id).join(',')}}`}::uuid[])`,
      )
      return events.length
    })
    totals.events += batch
    if (batch === 0) break
  }
  return totals
}

/** Fires the time-based rules (quiet deals, momentum changes, new leads, overdue tasks) for their occurrences as of now. */
export async function runTimeRules(db: AppDatabase, tenantId: string, now: Date) {
  const totals = { rules: 0, fired: 0, failed: 0 }
  await withTenant(db, tenantId, async (tx) => {
    const rules = (await activeRules(tx, tenantId)).filter(r => !isEventTrigger(r.trigger))
    totals.rules = rules.length
    for (const rule of rules) {
      const occurrences = (await timeOccurrences(tx, tenantId, rule.trigger, now, rule.createdAt)).filter(o =>
        conditionsMatch(rule.conditions, o.facts),
      )
      const seen = await ranAlready(tx, tenantId, rule.id, occurrences.map(o => o.key))
      for (const occurrence of occurrences) {
        if (seen.has(occurrence.key)) continue
        const outcome = await fire(tx, tenantId, rule, occurrence, now)
        if (outcome === 'done') totals.fired++
        if (outcome === 'failed') totals.failed++
      }
    }
  })
  return totals
}

async function ranAlready(tx: Tx, tenantId: string, ruleId: string, keys: readonly string[]) {
  if (!keys.length) return new Set<string>()
  const rows = await tx.select({ occurrence: automationRuns.occurrence }).from(automationRuns)
    .where(and(eq(automationRuns.tenantId, tenantId), eq(automationRuns.ruleId, ruleId), inArray(automationRuns.occurrence, [...keys])))
  return new Set(rows.map(r => r.occurrence))
}

/**
 * What a rule would touch today, without doing anything: for event triggers, the events of the
 * last 24 hours it matches; for time triggers, its occurrences now; both through its conditions.
 * Each with whether it already ran for that occurrence.
 */
export async function dryRun(tx: Tx, tenantId: string, rule: Rule, now: Date) {
  let occurrences: Occurrence[]
  if (isEventTrigger(rule.trigger)) {
    const events = await queryRows<QueuedEvent>(
      tx,
      sql`
      select e.id, e.type, e.source, e.occurred_at as "occurredAt", e.deal_id as "dealId", e.contact_id as "contactId", e.metadata
      from events e
      where e.tenant_id = ${tenantId}::uuid and e.occurred_at > ${new Date(now.getTime() - 86_400_000).toISOString()}::timestamptz
        and e.occurred_at <= ${now.toISOString()}::timestamptz
        ${rule.trigger.kind === 'stage_entered'
          ? sql`and e.type = 'stage_changed'`
          : rule.trigger.kind === 'event' && rule.trigger.type !== '*' ? sql`and e.type = ${rule.trigger.type}` : sql``}
      order by e.occurred_at desc limit 2000`,
    ).then(rows => rows.map(e => ({ ...e, occurredAt: new Date(e.occurredAt) })))
    const matching = events.filter(e => triggerMatchesEvent(rule.trigger, e))
    const deals = await loadDeals(tx, tenantId, matching.flatMap(e => (e.dealId ? [e.dealId] : [])))
    occurrences = matching.flatMap((e) => {
      const deal = e.dealId ? deals.get(e.dealId) : undefined
      return deal ? [{ key: `event:${e.id}`, subject: { deal: dealSubject(deal) }, facts: factsOf(deal, e) }] : []
    })
  }
  else occurrences = await timeOccurrences(tx, tenantId, rule.trigger, now, new Date(0))
  const matched = occurrences.filter(o => conditionsMatch(rule.conditions, o.facts))
  const seen = await ranAlready(tx, tenantId, rule.id, matched.map(o => o.key))
  return matched
    .slice(0, 500)
    .map(o => ({
      occurrence: o.key,
      alreadyRun: seen.has(o.key),
      deal: o.subject.deal ?? null,
      lead: o.subject.lead ?? null,
      task: o.subject.task ?? null,
    }))
}
