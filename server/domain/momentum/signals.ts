import { sql, type SQL } from 'drizzle-orm'
import { queryRows } from '../../../db/client'
import type { Tx } from '../core/db'

/**
 * What the model reads about one open deal; computed set-wise in SQL (one statement for all
 * deals). Buyer-side activity (replies, inbound calls, meetings held, human opens and clicks) is
 * counted apart from the rep's own effort (emails sent, outbound calls, meetings booked, notes):
 * a rep chasing a dead deal is effort, not momentum. Auto-replies (flagged `metadata.autoReply`
 * at ingestion) and machine opens (`metadata.machine`) count as neither.
 *
 * Fields ending in `Then` are the same signal as of 7 days ago, so the run can say where a deal
 * is heading (its probability now against a week before) on its very first scoring.
 */
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
  /** Days since the deal started: its creation or its first event, whichever is earlier. */
  ageDays: number
  /**
   * Days of the deal's life the tenant's activity history covers: since the later of the deal's
   * start and the tenant's first activity event. A tenant two weeks in has at most 14, whatever
   * the deals' age.
   */
  historyDays: number
  /** Whether the events cover the deal's whole life (the tenant's history starts before it). */
  historyCoversLife: boolean
  /** Buyer-side activity in the last 14 days, and in the 42 days before (days 15-56). */
  buyer14: number
  buyerPrior: number
  /** Replies, inbound calls and meetings held (the strong part of buyer14) in the last 14 days; the rep's connected calls are not. */
  conversations14: number
  /** Replies, inbound calls and meetings held in the last 30 days. */
  conversations30: number
  /** Our emails in the last 30 days, and the buyer's (human) replies to them. */
  emailsSent30: number
  replies30: number
  /** The same two windows as of a week ago (days 8-21 and 22-63). */
  buyer14Then: number
  buyerPriorThen: number
  conversations14Then: number
  /** The rep's own effort in the last 7 and 30 days, and in days 8-14. */
  rep7: number
  rep30: number
  rep7Then: number
  /** Days since the buyer last answered (a reply, an inbound or connected call, a meeting held); null: not in the history. */
  daysSinceTwoWay: number | null
  daysSinceTwoWayThen: number | null
  daysSinceActivity: number | null
  /** Auto-replies (out of office and the like) in the last 30 days: shown, never counted as engagement. */
  autoReplies30: number
  /**
   * Mean hours from our email to their reply in the same thread, last 30 days (null: under 2 replies)
   * and the 90 before (null: under 3).
   */
  replyHoursRecent: number | null
  replyHoursEarlier: number | null
  /** Distinct contacts engaging (buyer side) in the last 7 and 30 days, between 60 and 7 days ago, and in days 8-37. */
  contacts7: number
  contacts30: number
  contactsBefore: number
  contacts30Then: number
  /** Contacts whose first engagement on the deal is in the last 14 days, while others engaged before. */
  contactsNew14: number
  /** Contacts of the deal who bounced or unsubscribed in the last 14 days. */
  contactsLost14: number
  /** Engaged contacts (2+ buyer-side events) who bounced, left or unsubscribed since, in the last 30 days; and in days 8-37. */
  championsLost30: number
  championsLost30Then: number
  daysInStage: number
  /** Median days this tenant's deals spent in this stage (stage history, 365 days), and how many moves that is. */
  stageMedianDays: number | null
  stageSamples: number
  /** Stage probability a week ago, when the deal changed stage in the last 7 days (else null). */
  probabilityThen: number | null
  /** Close-date pushes in the last 120 days (from `deal_updated` events), and those older than 7 days. */
  closePushes: number
  closePushesThen: number
  /** Amount cuts of more than the threshold (AMOUNT_CUT_SHARE), and smaller (routine discounts), in 120 days. */
  amountCuts: number
  amountCutsThen: number
  smallDiscounts: number
  stageEnteredAt: string
}

/** An amount decrease counts as a cut past this share of the amount (routine discounts are smaller). */
export const AMOUNT_CUT_SHARE = 0.1

const WINDOW_DAYS = 127
// Buyer-side: what the buyer did. A rep's call that connected is the rep's effort (a chase burst
// connects now and then); it still counts as the buyer last answering (TWO_WAY).
const BUYER = sql`(
  (type = 'email_received' and not auto_reply) or type = 'meeting_held' or type in ('email_opened', 'email_clicked')
  or (type = 'call' and direction = 'inbound'))`
const CONVERSATION = sql`((type = 'email_received' and not auto_reply) or type = 'meeting_held'
  or (type = 'call' and direction = 'inbound'))`
const TWO_WAY = sql`(${CONVERSATION} or (type = 'call' and outcome = 'connected'))`
const REP = sql`((type = 'email_sent') or (type = 'call' and direction <> 'inbound')
  or type in ('meeting_scheduled', 'note', 'task_completed'))`
/** The share of the amount a tracked amount change took off (null for anything else; CASE keeps the casts to numbers). */
const SHARE = sql`(case when e.type = 'deal_updated' and jsonb_typeof(e.metadata -> 'changes' -> 'amount' -> 'to') = 'number'
  and jsonb_typeof(e.metadata -> 'changes' -> 'amount' -> 'from') = 'number'
  then 1 - (e.metadata -> 'changes' -> 'amount' ->> 'to')::numeric
    / nullif((e.metadata -> 'changes' -> 'amount' ->> 'from')::numeric, 0) end)`

/**
 * The signals of a tenant's open deals — all of them, or the listed ones — as of `now`, in one
 * statement over the last 127 days of events.
 */
export async function dealSignals(tx: Tx, tenantId: string, now: Date, dealIds: readonly string[] | null): Promise<DealSignals[]> {
  // A full run groups millions of events: with the default 4 MB its hash aggregates and sorts
  // spill to disk several times over. For this transaction only.
  await tx.execute(sql`set local work_mem = '256MB'`)
  const historyStart = await tenantHistoryStart(tx, tenantId)
  if (dealIds) return queryRows<DealSignals>(tx, dealSignalsQuery(tenantId, now, dealIds, historyStart))
  // All deals: a third of the tenant's events. Under row-level security the planner misjudges
  // how many rows the window holds and walks an index row by row (12 s where a bitmap scan of
  // the same rows takes 2.6 s at 5M events); plain index scans are off for this one statement.
  // (Not restored in a `finally`: after a failed statement the transaction takes no command.)
  await tx.execute(sql`set local enable_indexscan = off`)
  const rows = await queryRows<DealSignals>(tx, dealSignalsQuery(tenantId, now, null, historyStart))
  await tx.execute(sql`set local enable_indexscan = on`)
  return rows
}

/**
 * Where the tenant's activity history starts (null: none yet). Records' own events (a deal
 * created or imported with its old date, an update, a stage move) say nothing of what was
 * tracked. Apart from the signals' statement, where it reads the oldest events by the time index.
 */
export async function tenantHistoryStart(tx: Tx, tenantId: string): Promise<Date | null> {
  const [row] = await queryRows<{ firstAt: Date | string | null }>(tx, sql`
    select min(occurred_at) as "firstAt" from events
    where tenant_id = ${tenantId}::uuid and type not in ('deal_created', 'deal_updated', 'stage_changed', 'task_completed')`)
  return row?.firstAt ? new Date(row.firstAt) : null
}

/** The statement dealSignals runs (apart, for EXPLAIN in the benchmarks). */
export function dealSignalsQuery(tenantId: string, now: Date, dealIds: readonly string[] | null, historyStart: Date | null): SQL {
  const at = now.toISOString()
  const ids = dealIds ? `{${dealIds.join(',')}}` : null
  // Constants, not `now - interval` per row: timestamptz arithmetic is only stable, so the
  // planner would compute every window's bounds again for each of a million events.
  const ago = (days: number): SQL => sql.raw(`timestamptz '${new Date(now.getTime() - days * 86_400_000).toISOString()}'`)
  /** occurred_at in (now - from, now - to]. */
  const within = (from: number, to = 0) => sql`occurred_at > ${ago(from)} and occurred_at <= ${ago(to)}`
  return sql`
    with open_deals as (
      select d.id, d.owner_id, d.name, d.stage, s.name as stage_name, coalesce(d.probability, s.probability) as probability,
             d.amount, d.close_date, d.stage_entered_at, d.created_at
      from deals d
      join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage
      where d.tenant_id = ${tenantId}::uuid and s.kind = 'open'
        ${ids === null ? sql`` : sql`and d.id = any(${ids}::uuid[])`}
    ), history as (
      select ${historyStart ? historyStart.toISOString() : null}::timestamptz as first_at
    ), ev as materialized (
      -- Each event's kind (buyer side, conversation, two-way, the rep's effort) is decided once
      -- here, not again in every count below.
      -- Only what the counts below read is kept: a full run holds millions of these rows.
      select deal_id, type, occurred_at, contact_id, auto_reply, latency_hours, thread, stage_from, stage_to, close_pushed, share,
             ${BUYER} as buyer, ${CONVERSATION} as conversation, ${TWO_WAY} as two_way, ${REP} as rep
      from (
        -- No join to open_deals here: under row-level security the planner would not use the
        -- deal index for a join key; a filter on the ids (or none: one pass over the window) does.
        -- The metadata is read here once into the few columns the signals need: the rows kept are
        -- narrow (a window of a large tenant is a million of them), not whole JSON documents.
        select e.deal_id, e.type, e.occurred_at, e.contact_id,
               coalesce(e.metadata ->> 'autoReply', 'false') = 'true' as auto_reply,
               coalesce(e.metadata ->> 'direction', 'outbound') as direction,
               coalesce(e.metadata ->> 'outcome', 'connected') as outcome,
               case when e.type = 'email_received' then (e.metadata ->> 'latencyHours')::float end as latency_hours,
               -- The thread by a hash of its id (only ever compared within one deal).
               case when e.type in ('email_sent', 'email_received')
                 then hashtext(coalesce(e.metadata ->> 'threadId', e.contact_id::text)) end as thread,
               case when e.type = 'stage_changed' then e.metadata ->> 'from' end as stage_from,
               case when e.type = 'stage_changed' then e.metadata ->> 'to' end as stage_to,
               e.type = 'deal_updated'
                 and (e.metadata -> 'changes' -> 'closeDate' ->> 'to')
                   > (e.metadata -> 'changes' -> 'closeDate' ->> 'from') as close_pushed,
               ${SHARE}::float8 as share
        from events e
        where e.tenant_id = ${tenantId}::uuid
          and ${ids === null ? sql`e.deal_id is not null` : sql`e.deal_id = any(${ids}::uuid[])`}
          and e.occurred_at > ${ago(WINDOW_DAYS)} and e.occurred_at <= ${ago(0)}
          and coalesce(e.metadata ->> 'machine', 'false') <> 'true'
      ) x
    ), agg as materialized (
      select deal_id,
        min(occurred_at) as first_at,
        count(*) filter (where buyer and ${within(14)}) as buyer14,
        count(*) filter (where buyer and ${within(56, 14)}) as buyer_prior,
        count(*) filter (where conversation and ${within(14)}) as conversations14,
        count(*) filter (where conversation and ${within(30)}) as conversations30,
        count(*) filter (where type = 'email_sent' and ${within(30)}) as emails_sent30,
        count(*) filter (where type = 'email_received' and not auto_reply and ${within(30)}) as replies30,
        count(*) filter (where buyer and ${within(21, 7)}) as buyer14_then,
        count(*) filter (where buyer and ${within(63, 21)}) as buyer_prior_then,
        count(*) filter (where conversation and ${within(21, 7)}) as conversations14_then,
        count(*) filter (where rep and ${within(7)}) as rep7,
        count(*) filter (where rep and ${within(30)}) as rep30,
        count(*) filter (where rep and ${within(14, 7)}) as rep7_then,
        max(occurred_at) filter (where two_way) as last_two_way,
        max(occurred_at) filter (where two_way and occurred_at <= ${ago(7)}) as last_two_way_then,
        max(occurred_at) filter (where (buyer or rep)) as last_activity,
        count(*) filter (where type = 'email_received' and auto_reply and ${within(30)}) as auto30,
        count(*) filter (where close_pushed) as close_pushes,
        count(*) filter (where close_pushed and occurred_at <= ${ago(7)}) as close_pushes_then,
        count(*) filter (where share > ${AMOUNT_CUT_SHARE}) as cuts,
        count(*) filter (where share > ${AMOUNT_CUT_SHARE} and occurred_at <= ${ago(7)}) as cuts_then,
        count(*) filter (where share > 0 and share <= ${AMOUNT_CUT_SHARE}) as discounts
      from ev group by deal_id
    ), people as materialized (
      -- Per deal and contact, in one pass: when they first engaged, how much, in which windows, and
      -- when they bounced or left (the distinct-contact counts come from here, not from the events).
      select deal_id, contact_id,
             min(occurred_at) filter (where buyer) as first_engaged,
             count(*) filter (where buyer) as engaged,
             max(occurred_at) filter (where type in ('email_bounced', 'email_unsubscribed')) as lost_at,
             bool_or(buyer and ${within(7)}) as b7,
             bool_or(buyer and ${within(30)}) as b30,
             bool_or(buyer and ${within(60, 7)}) as b_before,
             bool_or(buyer and ${within(37, 7)}) as b30_then
      from ev where contact_id is not null group by deal_id, contact_id
    ), champions as materialized (
      select deal_id,
        count(*) filter (where engaged >= 2 and lost_at > first_engaged and lost_at > ${ago(30)}) as lost30,
        count(*) filter (where engaged >= 2 and lost_at > first_engaged and lost_at > ${ago(37)} and lost_at <= ${ago(7)}) as lost30_then,
        count(*) filter (where first_engaged > ${ago(14)}) as new14,
        count(*) filter (where first_engaged <= ${ago(14)}) as old,
        count(*) filter (where b7) as contacts7,
        count(*) filter (where b30) as contacts30,
        count(*) filter (where b_before) as contacts_before,
        count(*) filter (where b30_then) as contacts30_then,
        count(*) filter (where lost_at > ${ago(14)}) as contacts_lost14
      from people group by deal_id
    ), replies as materialized (
      select deal_id,
        -- Averages over fewer than 2 replies say little: left out.
        case when count(*) filter (where ${within(30)}) >= 2 then avg(hours) filter (where ${within(30)}) end as recent_hours,
        case when count(*) filter (where occurred_at <= ${ago(30)}) >= 3 then avg(hours) filter (where occurred_at <= ${ago(30)}) end
          as earlier_hours
      from (
        -- Latency within the thread: the inbound mail's own measure, else from our last email in the same thread (or to the same contact).
        select deal_id, type, occurred_at, auto_reply,
               coalesce(latency_hours,
                 extract(epoch from occurred_at - max(occurred_at) filter (where type = 'email_sent') over (
                   partition by deal_id, thread
                   order by occurred_at rows between unbounded preceding and 1 preceding)) / 3600) as hours
        from ev where type in ('email_sent', 'email_received')
      ) x
      where type = 'email_received' and not auto_reply and hours is not null
      group by deal_id
    ), entered as materialized (
      -- When the deal last entered each stage, from the stage history (posted history included);
      -- grouped before the join to the deals, which the planner would otherwise loop over.
      select deal_id, stage_to as stage, max(occurred_at) as at
      from ev where type = 'stage_changed' group by deal_id, stage_to
    ), stage_from as materialized (
      -- The stage a deal was in a week ago, when it moved in the last 7 days.
      select distinct on (deal_id) deal_id, stage_from as stage
      from ev where type = 'stage_changed' and occurred_at > ${ago(7)}
      order by deal_id, occurred_at asc
    ), typical as materialized (
      select metadata ->> 'from' as stage,
             percentile_cont(0.5) within group (order by (metadata ->> 'secondsInStage')::numeric) / 86400 as days, count(*) as samples
      from events
      where tenant_id = ${tenantId}::uuid and type = 'stage_changed' and occurred_at > ${ago(365)} and occurred_at <= ${ago(0)}
        and jsonb_typeof(metadata -> 'secondsInStage') = 'number'
      group by 1
    )
    select o.id as "dealId", o.owner_id as "ownerId", o.name, o.stage, o.stage_name as "stageName", o.probability::int as probability,
           o.amount::float as amount, o.close_date::text as "closeDate",
           (o.close_date - (${at}::timestamptz at time zone 'UTC')::date) as "daysToClose",
           floor(extract(epoch from ${at}::timestamptz - least(o.created_at, a.first_at)) / 86400)::int as "ageDays",
           greatest(0, floor(extract(epoch from ${at}::timestamptz - greatest(least(o.created_at, a.first_at), h.first_at)) / 86400))::int
             as "historyDays",
           coalesce(h.first_at <= least(o.created_at, a.first_at) + interval '1 day', false) as "historyCoversLife",
           coalesce(a.buyer14, 0)::int as buyer14, coalesce(a.buyer_prior, 0)::int as "buyerPrior",
           coalesce(a.conversations14, 0)::int as conversations14,
           coalesce(a.conversations30, 0)::int as conversations30, coalesce(a.emails_sent30, 0)::int as "emailsSent30",
           coalesce(a.replies30, 0)::int as replies30,
           coalesce(a.buyer14_then, 0)::int as "buyer14Then", coalesce(a.buyer_prior_then, 0)::int as "buyerPriorThen",
           coalesce(a.conversations14_then, 0)::int as "conversations14Then",
           coalesce(a.rep7, 0)::int as rep7, coalesce(a.rep30, 0)::int as rep30, coalesce(a.rep7_then, 0)::int as "rep7Then",
           floor(extract(epoch from ${at}::timestamptz - a.last_two_way) / 86400)::int as "daysSinceTwoWay",
           floor(extract(epoch from ${ago(7)} - a.last_two_way_then) / 86400)::int as "daysSinceTwoWayThen",
           floor(extract(epoch from ${at}::timestamptz - a.last_activity) / 86400)::int as "daysSinceActivity",
           coalesce(a.auto30, 0)::int as "autoReplies30",
           round(r.recent_hours::numeric, 1)::float as "replyHoursRecent", round(r.earlier_hours::numeric, 1)::float as "replyHoursEarlier",
           coalesce(c.contacts7, 0)::int as contacts7, coalesce(c.contacts30, 0)::int as contacts30,
           coalesce(c.contacts_before, 0)::int as "contactsBefore", coalesce(c.contacts30_then, 0)::int as "contacts30Then",
           (case when coalesce(c.old, 0) > 0 then coalesce(c.new14, 0) else 0 end)::int as "contactsNew14",
           coalesce(c.contacts_lost14, 0)::int as "contactsLost14",
           coalesce(c.lost30, 0)::int as "championsLost30", coalesce(c.lost30_then, 0)::int as "championsLost30Then",
           greatest(0, floor(extract(epoch from ${at}::timestamptz - coalesce(en.at, o.stage_entered_at)) / 86400))::int as "daysInStage",
           round(t.days::numeric, 1)::float as "stageMedianDays", coalesce(t.samples, 0)::int as "stageSamples",
           ps.probability::int as "probabilityThen",
           coalesce(a.close_pushes, 0)::int as "closePushes", coalesce(a.close_pushes_then, 0)::int as "closePushesThen",
           coalesce(a.cuts, 0)::int as "amountCuts", coalesce(a.cuts_then, 0)::int as "amountCutsThen",
           coalesce(a.discounts, 0)::int as "smallDiscounts",
           coalesce(en.at, o.stage_entered_at) as "stageEnteredAt"
    from open_deals o
    cross join history h
    left join agg a on a.deal_id = o.id
    left join champions c on c.deal_id = o.id
    left join replies r on r.deal_id = o.id
    left join entered en on en.deal_id = o.id and en.stage = o.stage
    left join stage_from sf on sf.deal_id = o.id
    left join pipeline_stages ps on ps.tenant_id = ${tenantId}::uuid and ps.key = sf.stage and ps.kind = 'open'
    left join typical t on t.stage = o.stage`
}
