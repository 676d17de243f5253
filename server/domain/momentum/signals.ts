import { sql } from 'drizzle-orm'
import { queryRows } from '../../../db/client'
import type { Tx } from '../db'

/** What the rules read about one open deal; computed set-wise in SQL (one statement for all deals). */
export interface DealSignals {
  dealId: string
  ownerId: string
  name: string
  stage: string
  stageName: string
  /** The stage's (or the deal's own) win probability, 0-100. */
  probability: number
  amount: number
  closeDate: string | null
  /** Whole days from today to the close date (negative once it has passed). */
  daysToClose: number | null
  ageDays: number
  /** Activity (calls, meetings, notes, emails, opens, clicks) in the last 7 days, and in the 28 before. */
  recent7: number
  prior28: number
  /** Days since the buyer last answered (a reply, a meeting held, a connected call); null: never. */
  daysSinceTwoWay: number | null
  daysSinceActivity: number | null
  /** Inbound (replies, meetings held) and outbound (emails sent, calls, meetings booked) in 30 days. */
  inbound30: number
  outbound30: number
  /** Mean hours from our email to their reply in the last 30 days, and in the 90 before (null: under 3 replies). */
  replyHoursRecent: number | null
  replyHoursEarlier: number | null
  /** Distinct contacts engaged in the last 7 and 30 days, and between 60 and 7 days ago. */
  contacts7: number
  contacts30: number
  contactsBefore: number
  /** Contacts of the deal who bounced or unsubscribed in the last 14 days. */
  contactsLost14: number
  daysInStage: number
  /** This tenant's median days in this stage (from stage history), or the default. */
  typicalStageDays: number
  typicalFromHistory: boolean
  /** Close-date pushes and amount cuts in the last 120 days (from `deal_updated` events). */
  closePushes: number
  amountCuts: number
  stageEnteredAt: string
}

/** Days a stage takes before there is enough history (10 moves out of it) to know better. */
export const DEFAULT_STAGE_DAYS = 14
const MIN_STAGE_SAMPLES = 10

const ACTIVITY = sql`('call', 'meeting_scheduled', 'meeting_held', 'note', 'email_sent', 'email_received', 'email_opened', 'email_clicked')`
const INBOUND = sql`('email_received', 'meeting_held')`
const OUTBOUND = sql`('email_sent', 'call', 'meeting_scheduled')`
const ENGAGED = sql`('email_received', 'meeting_held', 'email_clicked', 'email_opened')`

/**
 * The signals of a tenant's open deals — all of them, or the listed ones — as of `now`, in one
 * statement over the last 120 days of events. Machine-flagged email events (`metadata.machine`)
 * do not count. A call counts as two-way when it connected (or has no outcome).
 */
export async function dealSignals(tx: Tx, tenantId: string, now: Date, dealIds: readonly string[] | null): Promise<DealSignals[]> {
  const at = now.toISOString()
  const ids = dealIds ? `{${dealIds.join(',')}}` : null
  return queryRows<DealSignals>(tx, sql`
    with open_deals as (
      select d.id, d.owner_id, d.name, d.stage, s.name as stage_name, coalesce(d.probability, s.probability) as probability,
             d.amount, d.close_date, d.stage_entered_at, d.created_at
      from deals d
      join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage
      where d.tenant_id = ${tenantId}::uuid and s.kind = 'open'
        ${ids === null ? sql`` : sql`and d.id = any(${ids}::uuid[])`}
    ), ev as (
      -- No join to open_deals here: under row-level security the planner would not use the
      -- deal index for a join key; a filter on the ids (or none: one pass over the window) does.
      select e.deal_id, e.type, e.occurred_at, e.contact_id, e.metadata,
             (e.type = 'call' and coalesce(e.metadata ->> 'outcome', 'connected') = 'connected') as connected_call
      from events e
      where e.tenant_id = ${tenantId}::uuid
        and ${ids === null ? sql`e.deal_id is not null` : sql`e.deal_id = any(${ids}::uuid[])`}
        and e.occurred_at > ${at}::timestamptz - interval '120 days' and e.occurred_at <= ${at}::timestamptz
        and coalesce(e.metadata ->> 'machine', 'false') <> 'true'
    ), agg as materialized (
      select deal_id,
        count(*) filter (where type in ${ACTIVITY} and occurred_at > ${at}::timestamptz - interval '7 days') as recent7,
        count(*) filter (where type in ${ACTIVITY} and occurred_at <= ${at}::timestamptz - interval '7 days' and occurred_at > ${at}::timestamptz - interval '35 days') as prior28,
        max(occurred_at) filter (where type in ${INBOUND} or connected_call) as last_two_way,
        max(occurred_at) filter (where type in ${ACTIVITY}) as last_activity,
        count(*) filter (where type in ${INBOUND} and occurred_at > ${at}::timestamptz - interval '30 days') as inbound30,
        count(*) filter (where type in ${OUTBOUND} and occurred_at > ${at}::timestamptz - interval '30 days') as outbound30,
        count(distinct contact_id) filter (where (type in ${ENGAGED} or connected_call) and occurred_at > ${at}::timestamptz - interval '7 days') as contacts7,
        count(distinct contact_id) filter (where (type in ${ENGAGED} or connected_call) and occurred_at > ${at}::timestamptz - interval '30 days') as contacts30,
        count(distinct contact_id) filter (where (type in ${ENGAGED} or connected_call) and occurred_at <= ${at}::timestamptz - interval '7 days' and occurred_at > ${at}::timestamptz - interval '60 days') as contacts_before,
        count(distinct contact_id) filter (where type in ('email_bounced', 'email_unsubscribed') and occurred_at > ${at}::timestamptz - interval '14 days') as contacts_lost14,
        count(*) filter (where type = 'deal_updated' and (metadata -> 'changes' -> 'closeDate' ->> 'to') > (metadata -> 'changes' -> 'closeDate' ->> 'from')) as close_pushes,
        count(*) filter (where type = 'deal_updated' and jsonb_typeof(metadata -> 'changes' -> 'amount' -> 'to') = 'number'
                         and (metadata -> 'changes' -> 'amount' ->> 'to')::numeric < (metadata -> 'changes' -> 'amount' ->> 'from')::numeric) as amount_cuts
      from ev group by deal_id
    ), replies as materialized (
      select deal_id,
        -- Averages over fewer than 3 replies say little: left out.
        case when count(*) filter (where occurred_at > ${at}::timestamptz - interval '30 days') >= 3
             then avg(extract(epoch from occurred_at - last_sent) / 3600) filter (where occurred_at > ${at}::timestamptz - interval '30 days') end as recent_hours,
        case when count(*) filter (where occurred_at <= ${at}::timestamptz - interval '30 days') >= 3
             then avg(extract(epoch from occurred_at - last_sent) / 3600) filter (where occurred_at <= ${at}::timestamptz - interval '30 days') end as earlier_hours
      from (
        select deal_id, type, occurred_at,
               max(occurred_at) filter (where type = 'email_sent') over (partition by deal_id order by occurred_at rows between unbounded preceding and 1 preceding) as last_sent
        from ev where type in ('email_sent', 'email_received')
      ) x
      where type = 'email_received' and last_sent is not null
      group by deal_id
    ), typical as materialized (
      select metadata ->> 'from' as stage, percentile_cont(0.5) within group (order by (metadata ->> 'secondsInStage')::numeric) / 86400 as days, count(*) as samples
      from events
      where tenant_id = ${tenantId}::uuid and type = 'stage_changed' and occurred_at > ${at}::timestamptz - interval '365 days'
        and jsonb_typeof(metadata -> 'secondsInStage') = 'number'
      group by 1
    )
    select o.id as "dealId", o.owner_id as "ownerId", o.name, o.stage, o.stage_name as "stageName", o.probability::int as probability,
           o.amount::float as amount, o.close_date::text as "closeDate",
           (o.close_date - (${at}::timestamptz at time zone 'UTC')::date) as "daysToClose",
           floor(extract(epoch from ${at}::timestamptz - o.created_at) / 86400)::int as "ageDays",
           coalesce(a.recent7, 0)::int as recent7, coalesce(a.prior28, 0)::int as prior28,
           floor(extract(epoch from ${at}::timestamptz - a.last_two_way) / 86400)::int as "daysSinceTwoWay",
           floor(extract(epoch from ${at}::timestamptz - a.last_activity) / 86400)::int as "daysSinceActivity",
           coalesce(a.inbound30, 0)::int as inbound30, coalesce(a.outbound30, 0)::int as outbound30,
           round(r.recent_hours::numeric, 1)::float as "replyHoursRecent", round(r.earlier_hours::numeric, 1)::float as "replyHoursEarlier",
           coalesce(a.contacts7, 0)::int as contacts7, coalesce(a.contacts30, 0)::int as contacts30,
           coalesce(a.contacts_before, 0)::int as "contactsBefore", coalesce(a.contacts_lost14, 0)::int as "contactsLost14",
           floor(extract(epoch from ${at}::timestamptz - o.stage_entered_at) / 86400)::int as "daysInStage",
           round(case when t.samples >= ${MIN_STAGE_SAMPLES} then greatest(t.days, 1) else ${DEFAULT_STAGE_DAYS} end::numeric, 1)::float as "typicalStageDays",
           coalesce(t.samples >= ${MIN_STAGE_SAMPLES}, false) as "typicalFromHistory",
           coalesce(a.close_pushes, 0)::int as "closePushes", coalesce(a.amount_cuts, 0)::int as "amountCuts",
           o.stage_entered_at as "stageEnteredAt"
    from open_deals o
    left join agg a on a.deal_id = o.id
    left join replies r on r.deal_id = o.id
    left join typical t on t.stage = o.stage`)
}
