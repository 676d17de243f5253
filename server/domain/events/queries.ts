import { and, eq, getTableColumns, gte, inArray, lt } from 'drizzle-orm'
import { events, type EventType } from '../../../db/schema'
import type { Tx } from '../core/db'
import { keysetAfter, keysetOrder, keysetPage, keysetValue, newestFirst, type Key } from '../core/paging'
import { timelineRefs } from './timelineRefs'

/** A page of events: newest first, `cursor` the key of the last row of the page before (paging.ts). */
export interface EventPageQuery { limit: number, cursor?: Key }
export interface TimelinePageQuery extends EventPageQuery { types?: EventType[] }

const NEWEST = newestFirst(events.occurredAt)
const eventColumns = { ...getTableColumns(events), key: keysetValue(NEWEST) }
const before = (cursor: Key | undefined) => (cursor ? keysetAfter(NEWEST, events.id, cursor) : undefined)

async function page(query: EventPageQuery, rows: Promise<(typeof events.$inferSelect & { key: string })[]>) {
  return keysetPage(await rows, query.limit)
}

const SUBJECT = { deal: events.dealId, contact: events.contactId, account: events.accountId } as const
export type TimelineSubject = keyof typeof SUBJECT

/**
 * The events of a deal, contact or account, newest first, each through its (tenant, subject,
 * time) index — hot read 1 is the deal's.
 */
export function timelineQuery(tx: Tx, tenantId: string, subject: TimelineSubject, id: string, query: TimelinePageQuery) {
  return tx
    .select(eventColumns)
    .from(events)
    .where(
      and(
        eq(events.tenantId, tenantId),
        eq(SUBJECT[subject], id),
        before(query.cursor),
        query.types?.length ? inArray(events.type, query.types) : undefined,
      ),
    )
    .orderBy(...keysetOrder(NEWEST, events.id))
    .limit(query.limit + 1)
}

export const dealTimelineQuery = (tx: Tx, tenantId: string, dealId: string, query: TimelinePageQuery) =>
  timelineQuery(tx, tenantId, 'deal', dealId, query)

export const timeline = (tx: Tx, tenantId: string, subject: TimelineSubject, id: string, query: TimelinePageQuery) =>
  page(query, timelineQuery(tx, tenantId, subject, id, query))

export const dealTimeline = (tx: Tx, tenantId: string, dealId: string, query: TimelinePageQuery) =>
  timeline(tx, tenantId, 'deal', dealId, query)

/** A timeline's page with the names its rows refer to (`refs`: people, contacts, deals, stages, messages, mentions). */
export async function timelineWithRefs(tx: Tx, tenantId: string, subject: TimelineSubject, id: string, query: TimelinePageQuery) {
  const answer = await timeline(tx, tenantId, subject, id, query)
  return { ...answer, refs: await timelineRefs(tx, tenantId, answer.data) }
}

export interface UserEventsQuery extends EventPageQuery { from: Date, to: Date }

/** Hot read 2: a user's events in a time range, newest first (index events_tenant_actor_time_idx). */
export function userEventsQuery(tx: Tx, tenantId: string, userId: string, query: UserEventsQuery) {
  return tx.select(eventColumns).from(events)
    .where(and(eq(events.tenantId, tenantId), eq(events.actorUserId, userId),
      gte(events.occurredAt, query.from), lt(events.occurredAt, query.to), before(query.cursor)))
    .orderBy(...keysetOrder(NEWEST, events.id)).limit(query.limit + 1)
}

export const userEvents = (tx: Tx, tenantId: string, userId: string, query: UserEventsQuery) =>
  page(query, userEventsQuery(tx, tenantId, userId, query))
