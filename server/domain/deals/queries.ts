import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm'
import { accounts, deals, dealScores, users } from '../../../db/schema'
import type { Tx } from '../db'
import type { DEAL_SORTS } from './schemas'

export type DealSort = (typeof DEAL_SORTS)[number]

export interface DealListQuery {
  limit: number
  /** A cursor this function handed out for the same sort. */
  cursor?: string
  sort?: DealSort
  stage?: string
  ownerId?: string
  teamId?: string
}

const dealColumns = {
  id: deals.id, name: deals.name, stage: deals.stage, amount: deals.amount, currency: deals.currency,
  closeDate: deals.closeDate, ownerId: deals.ownerId, ownerName: users.name, accountId: deals.accountId,
  accountName: accounts.name, probability: deals.probability, forecastCategory: deals.forecastCategory,
  stageEnteredAt: deals.stageEnteredAt, createdAt: deals.createdAt, updatedAt: deals.updatedAt,
  /** The latest momentum score (open deals, once scored): win probability (score = it in points of 100), state, change and the top reason. */
  momentum: {
    score: dealScores.score,
    winProbability: dealScores.winProbability,
    state: dealScores.state,
    change: sql<number | null>`(${dealScores.score} - ${dealScores.previousScore})`,
    reason: sql<string | null>`(${dealScores.reasons} -> 0 ->> 'text')`,
  },
}

/** Per sort: the ordering, the keyset condition after a cursor, and the value a cursor keeps. */
const SORTS: Record<DealSort, { order: SQL[], after: (v: string, id: string) => SQL, value: (row: { createdAt: Date, amount: string, closeDate: string | null }) => string }> = {
  createdAt: {
    order: [desc(deals.createdAt), desc(deals.id)],
    after: (v, id) => sql`(${deals.createdAt}, ${deals.id}) < (${v}::timestamptz, ${id}::uuid)`,
    value: row => row.createdAt.toISOString(),
  },
  amount: {
    order: [desc(deals.amount), desc(deals.id)],
    after: (v, id) => sql`(${deals.amount}, ${deals.id}) < (${v}::numeric, ${id}::uuid)`,
    value: row => row.amount,
  },
  closeDate: {
    order: [asc(sql`coalesce(${deals.closeDate}, '9999-12-31')`), asc(deals.id)],
    after: (v, id) => sql`(coalesce(${deals.closeDate}, '9999-12-31'), ${deals.id}) > (${v}::date, ${id}::uuid)`,
    value: row => row.closeDate ?? '9999-12-31',
  },
}

const encode = (value: string, id: string) => Buffer.from(JSON.stringify([value, id])).toString('base64url')

/** The cursor's sort value and id, or null when it is not one of ours. Pure. */
export function decodeDealCursor(cursor: string): [string, string] | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown
    return Array.isArray(parsed) && parsed.length === 2 && parsed.every(p => typeof p === 'string') && /^[0-9a-f-]{36}$/.test(String(parsed[1])) ? parsed as [string, string] : null
  }
  catch {
    return null
  }
}

/** A page of the deals the transaction may see, filtered and sorted, with account and owner names. */
export async function listDeals(tx: Tx, tenantId: string, query: DealListQuery) {
  const sort = SORTS[query.sort ?? 'createdAt']
  const where: (SQL | undefined)[] = [eq(deals.tenantId, tenantId)]
  if (query.stage) where.push(eq(deals.stage, query.stage))
  if (query.ownerId) where.push(eq(deals.ownerId, query.ownerId))
  if (query.teamId) {
    where.push(inArray(deals.ownerId, tx.select({ id: users.id }).from(users).where(and(eq(users.tenantId, tenantId), eq(users.teamId, query.teamId)))))
  }
  const cursor = query.cursor ? decodeDealCursor(query.cursor) : null
  if (cursor) where.push(sort.after(...cursor))
  const rows = await tx.select(dealColumns).from(deals)
    .leftJoin(accounts, and(eq(accounts.tenantId, deals.tenantId), eq(accounts.id, deals.accountId)))
    .leftJoin(users, and(eq(users.tenantId, deals.tenantId), eq(users.id, deals.ownerId)))
    .leftJoin(dealScores, and(eq(dealScores.tenantId, deals.tenantId), eq(dealScores.dealId, deals.id), isNull(deals.closedAt)))
    .where(and(...where))
    .orderBy(...sort.order)
    .limit(query.limit + 1)
  const page = rows.slice(0, query.limit)
  const last = page[page.length - 1]
  return { data: page, nextCursor: rows.length > query.limit && last ? encode(sort.value(last), last.id) : null }
}

/** One deal with its account and owner names, or undefined. */
export async function getDeal(tx: Tx, tenantId: string, id: string) {
  const [deal] = await tx.select(dealColumns).from(deals)
    .leftJoin(accounts, and(eq(accounts.tenantId, deals.tenantId), eq(accounts.id, deals.accountId)))
    .leftJoin(users, and(eq(users.tenantId, deals.tenantId), eq(users.id, deals.ownerId)))
    .leftJoin(dealScores, and(eq(dealScores.tenantId, deals.tenantId), eq(dealScores.dealId, deals.id), isNull(deals.closedAt)))
    .where(and(eq(deals.tenantId, tenantId), eq(deals.id, id)))
  return deal
}
