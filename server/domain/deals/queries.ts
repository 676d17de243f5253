import { and, eq, gte, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm'
import { accounts, deals, dealScores, users, type MomentumState } from '../../../db/schema'
import {
  cursorOfSort, decodeSortKey, inDirection, keysetAfter, keysetOrder, keysetPage, keysetValue, type KeysetSort,
} from '../core/paging'
import type { Tx } from '../core/db'
import type { DEAL_SORTS } from './schemas'

export type DealSort = (typeof DEAL_SORTS)[number]

export interface DealListQuery {
  limit: number
  /** A cursor this function handed out for the same sort. */
  cursor?: string
  sort?: DealSort
  /** Against the sort's usual direction (newest, largest first; soonest, A to Z). */
  dir?: 'asc' | 'desc'
  stage?: string
  ownerId?: string
  teamId?: string
  /** Deals holding every one of these tags (exact spelling). */
  tags?: string[]
  /** The latest momentum state (open, scored deals only). */
  state?: MomentumState
  /** Close dates from and to (inclusive, YYYY-MM-DD); deals without a close date are left out. */
  closeFrom?: string
  closeTo?: string
}

/** A deal's columns that every list of deals shows first (the deal list, an account's open deals, the deals export). */
export const dealSummaryColumns = {
  id: deals.id,
  name: deals.name,
  stage: deals.stage,
  amount: deals.amount,
  currency: deals.currency,
  closeDate: deals.closeDate,
}

const dealColumns = {
  ...dealSummaryColumns,
  ownerId: deals.ownerId,
  ownerName: users.name,
  accountId: deals.accountId,
  accountName: accounts.name,
  probability: deals.probability,
  forecastCategory: deals.forecastCategory,
  stageEnteredAt: deals.stageEnteredAt,
  source: deals.source,
  product: deals.product,
  tags: deals.tags,
  custom: deals.custom,
  createdAt: deals.createdAt,
  updatedAt: deals.updatedAt,
  /**
   * The latest momentum score (open deals, once scored): win probability (score = it in points of
   * 100), state, change and the top reason.
   */
  momentum: {
    score: dealScores.score,
    winProbability: dealScores.winProbability,
    state: dealScores.state,
    change: sql<number | null>`(${dealScores.score} - ${dealScores.previousScore})`,
    reason: sql<string | null>`(${dealScores.reasons} -> 0 ->> 'text')`,
  },
}

/** Per sort: the sorted expression, its usual direction and the SQL type of its cursor's value. */
export const DEAL_KEYSETS: Record<DealSort, KeysetSort> = {
  createdAt: { key: sql`${deals.createdAt}`, dir: 'desc', type: 'timestamptz' },
  amount: { key: sql`${deals.amount}`, dir: 'desc', type: 'numeric' },
  closeDate: { key: sql`coalesce(${deals.closeDate}, '9999-12-31')`, dir: 'asc', type: 'date' },
  name: { key: sql`${deals.name}`, dir: 'asc', type: 'text' },
}

/** The deal list query's check that its cursor is one its sort handed out (400 naming `cursor`). */
export const dealCursorOfSort = cursorOfSort(DEAL_KEYSETS, 'createdAt')

/** A page of the deals the transaction may see, filtered and sorted, with account and owner names. */
export async function listDeals(tx: Tx, tenantId: string, query: DealListQuery) {
  const sort = inDirection(DEAL_KEYSETS[query.sort ?? 'createdAt'], query.dir)
  const where: (SQL | undefined)[] = [eq(deals.tenantId, tenantId)]
  if (query.stage) where.push(eq(deals.stage, query.stage))
  if (query.ownerId) where.push(eq(deals.ownerId, query.ownerId))
  if (query.teamId) {
    where.push(
      inArray(
        deals.ownerId,
        tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.tenantId, tenantId), eq(users.teamId, query.teamId))),
      ),
    )
  }
  if (query.tags?.length) where.push(sql`${deals.tags} @> array[${sql.join(query.tags.map(t => sql`${t}`), sql`, `)}]::text[]`)
  if (query.state) where.push(and(eq(dealScores.state, query.state), isNull(deals.closedAt)))
  if (query.closeFrom) where.push(gte(deals.closeDate, query.closeFrom))
  if (query.closeTo) where.push(lte(deals.closeDate, query.closeTo))
  const cursor = decodeSortKey(sort, query.cursor)
  if (cursor) where.push(keysetAfter(sort, deals.id, cursor))
  const rows = await tx.select({ ...dealColumns, key: keysetValue(sort) }).from(deals)
    .leftJoin(accounts, and(eq(accounts.tenantId, deals.tenantId), eq(accounts.id, deals.accountId)))
    .leftJoin(users, and(eq(users.tenantId, deals.tenantId), eq(users.id, deals.ownerId)))
    .leftJoin(dealScores, and(eq(dealScores.tenantId, deals.tenantId), eq(dealScores.dealId, deals.id), isNull(deals.closedAt)))
    .where(and(...where))
    .orderBy(...keysetOrder(sort, deals.id))
    .limit(query.limit + 1)
  return keysetPage(rows, query.limit)
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
