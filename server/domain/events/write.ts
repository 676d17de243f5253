import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../../db/client'
import type { Tx } from '../core/db'
import { eventCreatedMessages, publish } from './bus'
import type { NewEvent } from './schema'

/** A row to write; `index` names the source event it comes from (one source event may concern several deals). */
export type EventRow = NewEvent & { index?: number }

export interface WriteResult {
  /** Source events stored now. */
  inserted: number
  /** Source events seen before (same source and external id), not stored again. */
  duplicates: number
  /** The rows actually stored, for the live feed. */
  stored: (EventRow & { id: string })[]
}

const keyOf = (source: string, externalId: string) => `${source}\u0000${externalId}`

/**
 * The only code that writes `events`. Set-wise: the batch goes to Postgres as one JSON parameter
 * and one statement claims the idempotency keys and inserts the rows.
 *
 * Idempotency on `(source, externalId)`: a unique key on the partitioned table would have to
 * include `occurred_at`, so the keys live in the unpartitioned `event_keys` table. Each source
 * event first claims its key there (`ON CONFLICT DO NOTHING`); only rows whose key was claimed by
 * this statement are inserted. Two concurrent copies of a batch: the second waits on the key's
 * unique index until the first commits, then finds the key taken and stores nothing.
 * The same statement marks the deals the stored events concern in `momentum_dirty`, so the
 * next momentum run rescores exactly those, marks the days of back-dated events for the daily
 * activity rollup (`activity_dirty_days`), and queues the events for automation
 * (`automation_queue`) when the tenant has active rules, webhooks or sequence enrolments.
 */
export async function writeEvents(tx: Tx, tenantId: string, batch: readonly EventRow[]): Promise<WriteResult> {
  if (batch.length === 0) return { inserted: 0, duplicates: 0, stored: [] }
  // The same source event twice in one batch (same deal): keep the first.
  const seen = new Set<string>()
  const rows = batch.map((e, i) => ({ ...e, index: e.index ?? i, id: e.id ?? randomUUID() })).filter((e) => {
    if (!e.externalId) return true
    const key = `${keyOf(e.source, e.externalId)}\u0000${e.dealId ?? ''}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  const payload = JSON.stringify(rows.map(e => ({
    id: e.id,
    occurred_at: e.occurredAt.toISOString(),
    type: e.type,
    source: e.source,
    external_id: e.externalId ?? null,
    actor_user_id: e.actorUserId ?? null,
    actor_email: e.actorEmail ?? null,
    deal_id: e.dealId ?? null,
    contact_id: e.contactId ?? null,
    account_id: e.accountId ?? null,
    metadata: e.metadata ?? {},
  })))
  const claimed = await queryRows<{ source: string, external_id: string }>(tx, sql`
    with input as (
      select * from json_to_recordset(${payload}::json) as x(
        id uuid, occurred_at timestamptz, type text, source text, external_id text,
        actor_user_id uuid, actor_email text, deal_id uuid, contact_id uuid, account_id uuid, metadata jsonb)
    ), claimed as (
      insert into event_keys (tenant_id, source, external_id, event_id, occurred_at)
      select distinct on (source, external_id) ${tenantId}::uuid, source, external_id, id, occurred_at
      from input where external_id is not null
      on conflict do nothing
      returning source, external_id
    ), stored as (
      insert into events (tenant_id, id, occurred_at, type, source, external_id, actor_user_id, actor_email,
                          deal_id, contact_id, account_id, metadata)
      select ${tenantId}::uuid, id, occurred_at, type, source, external_id, actor_user_id, actor_email,
             deal_id, contact_id, account_id, metadata
      from input i
      where i.external_id is null or exists (select 1 from claimed c where c.source = i.source and c.external_id = i.external_id)
      returning id, occurred_at, deal_id
    ), dirty as (
      -- The deals these events concern are rescored by the next momentum run. In deal order:
      -- concurrent batches about the same deals then lock their rows in the same order (the soak
      -- run found them deadlocking otherwise).
      insert into momentum_dirty (tenant_id, deal_id, dirtied_at)
      select ${tenantId}::uuid, deal_id, now() from (select distinct deal_id from stored where deal_id is not null) d order by deal_id
      on conflict (tenant_id, deal_id) do update set dirtied_at = excluded.dirtied_at
    ), activity_days as (
      -- A back-dated event (older than the days every activity refresh recomputes anyway) marks
      -- its day for the next refresh of the daily activity rollup (reports/activity.ts).
      insert into activity_dirty_days (tenant_id, day, dirtied_at)
      select ${tenantId}::uuid, d.day, now()
      from (select distinct (occurred_at at time zone 'UTC')::date as day from stored) d
      where d.day < (now() at time zone 'UTC')::date - 1 and d.day >= (now() at time zone 'UTC')::date - 400
      order by d.day
      on conflict (tenant_id, day) do nothing
    ), queued as (
      -- Automation rules, outbound webhooks and sequence stops read new events from this queue
      -- (only while the tenant has something that listens).
      insert into automation_queue (tenant_id, event_id, occurred_at)
      select ${tenantId}::uuid, id, occurred_at from stored
      where exists (select 1 from automation_rules r where r.tenant_id = ${tenantId}::uuid and r.active)
         or exists (select 1 from webhook_subscriptions w where w.tenant_id = ${tenantId}::uuid and w.active)
         or exists (select 1 from sequence_enrolments e where e.tenant_id = ${tenantId}::uuid and e.status = 'active')
    )
    select source, external_id from claimed`)
  const won = new Set(claimed.map(c => keyOf(c.source, c.external_id)))
  const stored = rows.filter(r => !r.externalId || won.has(keyOf(r.source, r.externalId)))
  await publish(tx, eventCreatedMessages(tenantId, stored))
  const sources = new Set(batch.map((e, i) => e.index ?? i))
  const inserted = new Set(stored.map(r => r.index)).size
  return { inserted, duplicates: sources.size - inserted, stored }
}
