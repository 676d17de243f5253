import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../../db/client'
import type { Tx } from '../db'
import type { NewEvent } from './schema'

export interface WriteResult {
  inserted: number
  duplicates: number
  /** The events actually stored (duplicates left out), for the live feed. */
  stored: (NewEvent & { id: string })[]
}

/**
 * The only code that writes `events`. Set-wise: the whole batch goes to Postgres as one JSON
 * parameter and is inserted by one statement. Events with an external id first claim their
 * `(tenant, source, external id)` key in `event_keys`; only those that got it are stored, so the
 * same source event is stored once, even when two copies of a batch race (the second waits on
 * the key's unique index until the first commits, then skips).
 */
export async function writeEvents(tx: Tx, tenantId: string, batch: readonly NewEvent[]): Promise<WriteResult> {
  if (batch.length === 0) return { inserted: 0, duplicates: 0, stored: [] }
  const rows = batch.map(e => ({ ...e, id: e.id ?? randomUUID() }))
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
  const inserted = await queryRows<{ id: string }>(tx, sql`
    with input as (
      select * from json_to_recordset(${payload}::json) as x(
        id uuid, occurred_at timestamptz, type text, source text, external_id text,
        actor_user_id uuid, actor_email text, deal_id uuid, contact_id uuid, account_id uuid, metadata jsonb)
    ), claimed as (
      insert into event_keys (tenant_id, source, external_id, event_id, occurred_at)
      select ${tenantId}::uuid, source, external_id, id, occurred_at from input where external_id is not null
      on conflict do nothing
      returning event_id
    )
    insert into events (tenant_id, id, occurred_at, type, source, external_id, actor_user_id, actor_email,
                        deal_id, contact_id, account_id, metadata)
    select ${tenantId}::uuid, id, occurred_at, type, source, external_id, actor_user_id, actor_email,
           deal_id, contact_id, account_id, metadata
    from input
    where external_id is null or id in (select event_id from claimed)
    returning id`)
  const storedIds = new Set(inserted.map(r => r.id))
  const stored = rows.filter(r => storedIds.has(r.id))
  return { inserted: stored.length, duplicates: rows.length - stored.length, stored }
}
