import { sql } from 'drizzle-orm'
import { queryRows } from '../../../db/client'
import type { Tx } from '../core/db'
import type { Subject } from './actions'
import { dealFacts, leadFacts, type Facts } from './evaluate'
import type { Trigger } from './schemas'

/** A trigger occurrence: what happened (its unique key for the rule), to what, and the facts conditions read. */
export interface Occurrence { key: string, subject: Subject, facts: Facts }

interface DealRow {
  id: string
  name: string
  ownerId: string
  stage: string
  amount: string
  accountId: string | null
  tags: string[]
  source: string
  product: string | null
  currency: string
  probability: number | null
  custom: Record<string, unknown>
  score: number | null
  state: string | null
}

const dealSelect = sql`d.id, d.name, d.owner_id as "ownerId", d.stage, d.amount::text as amount, d.account_id as "accountId",
  d.tags, d.source,
  d.product, d.currency, d.probability, d.custom, sc.score, sc.state::text as state`

/** The deals (with their momentum) by id, as rules see them. */
export async function loadDeals(tx: Tx, tenantId: string, ids: readonly string[]): Promise<Map<string, DealRow>> {
  if (!ids.length) return new Map()
  const rows = await queryRows<DealRow>(tx, sql`select ${dealSelect} from deals d
    left join deal_scores sc on sc.tenant_id = d.tenant_id and sc.deal_id = d.id
    where d.tenant_id = ${tenantId}::uuid and d.id = any(${`{${[...new Set(ids)].join(',')}}`}::uuid[])`)
  return new Map(rows.map(r => [r.id, r]))
}

export const dealSubject = (d: DealRow): Subject['deal'] => ({
  id: d.id,
  name: d.name,
  ownerId: d.ownerId,
  stage: d.stage,
  amount: d.amount,
  accountId: d.accountId,
  tags: d.tags,
})
export const factsOf = (d: DealRow, event?: { type: string, source: string }) =>
  dealFacts(d, d.score === null ? null : { score: d.score, state: d.state! }, event)

const iso = (d: Date | string) => new Date(d).toISOString()

/**
 * The occurrences of a time-based trigger as of `now`: open deals quiet for N days (one per quiet
 * spell), momentum state changes (one per change), leads created since the rule (one per lead),
 * open tasks past due in the last week (one per task and due time).
 */
export async function timeOccurrences(tx: Tx, tenantId: string, trigger: Trigger, now: Date, ruleCreatedAt: Date): Promise<Occurrence[]> {
  const at = now.toISOString()
  switch (trigger.kind) {
    case 'no_activity': {
      const rows = await queryRows<DealRow & { lastAt: Date }>(
        tx,
        sql`
        select ${dealSelect}, coalesce(last.at, d.created_at) as "lastAt" from deals d
        join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage and s.kind = 'open'
        left join deal_scores sc on sc.tenant_id = d.tenant_id and sc.deal_id = d.id
        left join lateral (select max(e.occurred_at) as at from events e where e.tenant_id = d.tenant_id and e.deal_id = d.id
          and e.occurred_at <= ${at}::timestamptz and coalesce(e.metadata ->> 'machine', 'false') <> 'true') last on true
        where d.tenant_id = ${tenantId}::uuid
          and coalesce(last.at, d.created_at) < ${at}::timestamptz - make_interval(days => ${trigger.days})`,
      )
      return rows.map(d => ({ key: `quiet:${d.id}:${iso(d.lastAt)}`, subject: { deal: dealSubject(d) }, facts: factsOf(d) }))
    }
    case 'momentum_changed': {
      const rows = await queryRows<DealRow & { stateSince: Date }>(
        tx,
        sql`
        select ${dealSelect}, sc.state_since as "stateSince" from deal_scores sc
        join deals d on d.tenant_id = sc.tenant_id and d.id = sc.deal_id
        where sc.tenant_id = ${tenantId}::uuid
          and sc.state_since >= ${at}::timestamptz - interval '2 days' and sc.state_since <= ${at}::timestamptz
          ${trigger.to ? sql`and sc.state = ${trigger.to}::momentum_state` : sql``}
          and exists (select 1 from deal_score_history h where h.tenant_id = sc.tenant_id and h.deal_id = sc.deal_id
                      and h.day < (sc.state_since at time zone 'UTC')::date and h.state <> sc.state)`,
      )
      return rows.map(d => ({
        key: `momentum:${d.id}:${d.state}:${iso(d.stateSince)}`,
        subject: { deal: dealSubject(d) },
        facts: factsOf(d),
      }))
    }
    case 'lead_created': {
      const rows = await queryRows<{
        id: string
        name: string
        ownerId: string | null
        source: string
        score: number
        custom: Record<string, unknown>
      }>(
        tx,
        sql`
        select id, name, owner_id as "ownerId", source, score, custom from leads
        where tenant_id = ${tenantId}::uuid and status = 'open' and created_at <= ${at}::timestamptz
          and created_at >= greatest(${at}::timestamptz - interval '2 days',
                                     ${ruleCreatedAt.toISOString()}::timestamptz - interval '1 minute')`,
      )
      return rows.map(l => ({
        key: `lead:${l.id}`,
        subject: { lead: { id: l.id, name: l.name, ownerId: l.ownerId } },
        facts: leadFacts(l),
      }))
    }
    case 'task_overdue': {
      const rows = await queryRows<{ taskId: string, title: string, dueAt: Date, assigneeId: string, dealId: string | null }>(tx, sql`
        select id as "taskId", title, due_at as "dueAt", assignee_id as "assigneeId", deal_id as "dealId" from tasks
        where tenant_id = ${tenantId}::uuid and done_at is null and assignee_id is not null
          and due_at < ${at}::timestamptz and due_at >= ${at}::timestamptz - interval '7 days'`)
      const deals = await loadDeals(tx, tenantId, rows.flatMap(r => (r.dealId ? [r.dealId] : [])))
      return rows.map((t) => {
        const deal = t.dealId ? deals.get(t.dealId) : undefined
        return {
          key: `task:${t.taskId}:${iso(t.dueAt)}`,
          subject: { deal: deal ? dealSubject(deal) : undefined, task: { id: t.taskId, title: t.title, assigneeId: t.assigneeId } },
          facts: deal ? factsOf(deal) : { ownerId: t.assigneeId },
        }
      })
    }
    default:
      return []
  }
}
