import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { queryRows } from '../../../db/client'
import { accounts, tasks, users } from '../../../db/schema'
import type { Tx } from '../core/db'
import { notFound } from '../core/errors'
import { dealMomentum } from '../momentum/queries'
import { getDeal } from './queries'

/** How a person on the deal has engaged with it over the last 90 days (machine opens left out). */
export interface ContactEngagement {
  id: string
  firstName: string
  lastName: string
  email: string | null
  title: string | null
  role: string | null
  inbound: number
  outbound: number
  lastInboundAt: string | null
  lastTouchAt: string | null
}

const INBOUND = sql`('email_received', 'meeting_held', 'email_opened', 'email_clicked')`
const OUTBOUND = sql`('email_sent', 'call', 'meeting_scheduled')`

function dealContactsEngagement(tx: Tx, tenantId: string, dealId: string) {
  return queryRows<ContactEngagement>(tx, sql`
    select c.id, c.first_name as "firstName", c.last_name as "lastName", c.email, c.title, dc.role,
           coalesce(e.inbound, 0)::int as inbound, coalesce(e.outbound, 0)::int as outbound,
           e.last_inbound as "lastInboundAt", e.last_touch as "lastTouchAt"
    from deal_contacts dc
    join contacts c on c.tenant_id = dc.tenant_id and c.id = dc.contact_id
    left join lateral (
      select count(*) filter (where type in ${INBOUND}) as inbound, count(*) filter (where type in ${OUTBOUND}) as outbound,
             max(occurred_at) filter (where type in ${INBOUND}) as last_inbound, max(occurred_at) as last_touch
      from events ev
      where ev.tenant_id = dc.tenant_id and ev.deal_id = dc.deal_id and ev.contact_id = dc.contact_id
        and ev.occurred_at > now() - interval '90 days' and coalesce(ev.metadata ->> 'machine', 'false') <> 'true'
    ) e on true
    where dc.tenant_id = ${tenantId}::uuid and dc.deal_id = ${dealId}::uuid
    order by e.last_inbound desc nulls last, c.last_name, c.first_name`)
}

/**
 * The deal's 360 view: the deal, its account, the people on it with their engagement, the
 * momentum score (value, state, reasons, 90-day trend), its open alerts and the next open tasks; 404 when the
 * transaction cannot see it.
 */
export async function dealView(tx: Tx, tenantId: string, id: string) {
  const deal = await getDeal(tx, tenantId, id)
  if (!deal) throw notFound('deal')
  const [account] = deal.accountId
    ? await tx.select({ id: accounts.id, name: accounts.name, domain: accounts.domain, industry: accounts.industry })
        .from(accounts).where(and(eq(accounts.tenantId, tenantId), eq(accounts.id, deal.accountId)))
    : []
  const people = await dealContactsEngagement(tx, tenantId, id)
  const momentum = await dealMomentum(tx, tenantId, id)
  const nextTasks = await tx
    .select({
      id: tasks.id,
      title: tasks.title,
      dueAt: tasks.dueAt,
      priority: tasks.priority,
      assigneeId: tasks.assigneeId,
      assigneeName: users.name,
    })
    .from(tasks)
    .leftJoin(users, and(eq(users.tenantId, tasks.tenantId), eq(users.id, tasks.assigneeId)))
    .where(and(eq(tasks.tenantId, tenantId), eq(tasks.dealId, id), isNull(tasks.doneAt)))
    .orderBy(asc(sql`coalesce(${tasks.dueAt}, 'infinity'::timestamptz)`), asc(tasks.createdAt))
    .limit(10)
  return {
    ...deal,
    account: account ?? null,
    contacts: people,
    score: {
      value: momentum.score,
      winProbability: momentum.winProbability,
      state: momentum.state,
      change: momentum.change,
      reasons: momentum.reasons,
      trend: momentum.history,
    },
    alerts: momentum.alerts.map(a => ({ id: a.id, kind: a.kind, message: a.message, createdAt: a.createdAt })),
    nextTasks,
  }
}
