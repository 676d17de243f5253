import { and, desc, eq, gte, inArray, lt, or, type SQL } from 'drizzle-orm'
import { events, type EventType } from '../../../db/schema'
import { encodeCursor, type Cursor } from '../cursor'
import type { Tx } from '../db'

export interface EventPageQuery { limit: number, cursor?: Cursor }
export interface TimelinePageQuery extends EventPageQuery { types?: EventType[] }

const before = (cursor: Cursor | undefined): SQL | undefined => cursor
  ? or(lt(events.occurredAt, cursor.at), and(eq(events.occurredAt, cursor.at), lt(events.id, cursor.id)))
  : undefined

async function page(query: EventPageQuery, rows: Promise<(typeof events.$inferSelect)[]>) {
  const found = await rows
  const data = found.slice(0, query.limit)
  const last = data[data.length - 1]
  return { data, nextCursor: found.length > query.limit && last ? encodeCursor(last.occurredAt, last.id) : null }
}

const SUBJECT = { deal: events.dealId, contact: events.contactId, account: events.accountId } as const
export type TimelineSubject = keyof typeof SUBJECT

/**
 * The events of a deal, contact or account, newest first, each through its (tenant, subject,
 * time) index — hot read 1 is the deal's.
 */
export function timelineQuery(tx: Tx, tenantId: string, subject: TimelineSubject, id: string, query: TimelinePageQuery) {
  return tx
    .select()
    .from(events)
    .where(
      and(
        eq(events.tenantId, tenantId),
        eq(SUBJECT[subject], id),
        before(query.cursor),
        query.types?.length ? inArray(events.type, query.types) : undefined,
      ),
    )
    .orderBy(desc(events.occurredAt), desc(events.id))
    .limit(query.limit + 1)
}

export const dealTimelineQuery = (tx: Tx, tenantId: string, dealId: string, query: TimelinePageQuery) =>
  timelineQuery(tx, tenantId, 'deal', dealId, query)

export const timeline = (tx: Tx, tenantId: string, subject: TimelineSubject, id: string, query: TimelinePageQuery) =>
  page(query, timelineQuery(tx, tenantId, subject, id, query))

export const dealTimeline = (tx: Tx, tenantId: string, dealId: string, query: TimelinePageQuery) =>
  timeline(tx, tenantId, 'deal', dealId, query)

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
