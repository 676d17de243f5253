import { and, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm'
import { events } from '../../../db/schema'
import { encodeCursor, type Cursor } from '../cursor'
import type { Tx } from '../db'

export interface EventPageQuery { limit: number, cursor?: Cursor }

const before = (cursor: Cursor | undefined): SQL | undefined => cursor
  ? or(lt(events.occurredAt, cursor.at), and(eq(events.occurredAt, cursor.at), lt(events.id, cursor.id)))
  : undefined

async function page(query: EventPageQuery, rows: Promise<(typeof events.$inferSelect)[]>) {
  const found = await rows
  const data = found.slice(0, query.limit)
  const last = data[data.length - 1]
  return { data, nextCursor: found.length > query.limit && last ? encodeCursor(last.occurredAt, last.id) : null }
}

/** Hot read 1: a deal's events, newest first (index events_tenant_deal_time_idx). */
export function dealTimelineQuery(tx: Tx, tenantId: string, dealId: string, query: EventPageQuery) {
  return tx.select().from(events)
    .where(and(eq(events.tenantId, tenantId), eq(events.dealId, dealId), before(query.cursor)))
    .orderBy(desc(events.occurredAt), desc(events.id)).limit(query.limit + 1)
}

export const dealTimeline = (tx: Tx, tenantId: string, dealId: string, query: EventPageQuery) =>
  page(query, dealTimelineQuery(tx, tenantId, dealId, query))

export interface UserEventsQuery extends EventPageQuery { from: Date, to: Date }

/** Hot read 2: a user's events in a time range, newest first (index events_tenant_actor_time_idx). */
export function userEventsQuery(tx: Tx, tenantId: string, userId: string, query: UserEventsQuery) {
  return tx.select().from(events)
    .where(and(eq(events.tenantId, tenantId), eq(events.actorUserId, userId),
      gte(events.occurredAt, query.from), lt(events.occurredAt, query.to), before(query.cursor)))
    .orderBy(desc(events.occurredAt), desc(events.id)).limit(query.limit + 1)
}

export const userEvents = (tx: Tx, tenantId: string, userId: string, query: UserEventsQuery) =>
  page(query, userEventsQuery(tx, tenantId, userId, query))
