import { and, asc, desc, eq, gte, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm'
import { accounts, deals, dealScores, users, type MomentumState } from '../../../db/schema'
import { isUuid, KEY_VALUE_TYPES, type KeyValueType } from '../cursor'
import type { Tx } from '../db'
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

const dealColumns = {
  id: deals.id,
  name: deals.name,
  stage: deals.stage,
  amount: deals.amount,
  currency: deals.currency,
  closeDate: deals.closeDate,
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

/** Per sort: the sorted expression, its SQL type (for the cursor's value), its usual direction, and the value a cursor keeps. */
const SORTS: Record<
  DealSort,
  {
    expr: SQL
    type: SQL
    dir: 'asc' | 'desc'
    value: (row: { createdAt: Date, amount: string, closeDate: string | null, name: string }) => string
  }
> = {
  createdAt: { expr: sql`${deals.createdAt}`, type: sql`timestamptz`, dir: 'desc', value: row => row.createdAt.toISOString() },
  amount: { expr: sql`${deals.amount}`, type: sql`numeric`, dir: 'desc', value: row => row.amount },
  closeDate: {
    expr: sql`coalesce(${deals.closeDate}, '9999-12-31')`,
    type: sql`date`,
    dir: 'asc',
    value: row => row.closeDate ?? '9999-12-31',
  },
  name: { expr: sql`${deals.name}`, type: sql`text`, dir: 'asc', value: row => row.name },
}

/** The ordering and keyset condition of a sort in a direction (ties broken by id, the same way). */
function sortOf(key: DealSort, dir?: 'asc' | 'desc') {
  const sort = SORTS[key]
  const ascending = (dir ?? sort.dir) === 'asc'
  return {
    order: ascending ? [asc(sort.expr), asc(deals.id)] : [desc(sort.expr), desc(deals.id)],
    after: (v: string, id: string) => ascending
      ? sql`(${sort.expr}, ${deals.id}) > (${v}::${sort.type}, ${id}::uuid)`
      : sql`(${sort.expr}, ${deals.id}) < (${v}::${sort.type}, ${id}::uuid)`,
    value: sort.value,
  }
}

const encode = (value: string, id: string) => Buffer.from(JSON.stringify([value, id])).toString('base64url')

/** The SQL type each sort's cursor value is compared as. */
const SORT_TYPES: Record<DealSort, KeyValueType> = { createdAt: 'timestamptz', amount: 'numeric', closeDate: 'date', name: 'text' }

/**
 * The cursor's sort value and id, or null when it is not one of ours (with `sort`: not one that
 * sort handed out, its value unreadable as the sort's type). Pure.
 */
export function decodeDealCursor(cursor: string, sort?: DealSort): [string, string] | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown
    if (!Array.isArray(parsed) || parsed.length !== 2 || !parsed.every(p => typeof p === 'string')) return null
    const [value, id] = parsed as [string, string]
    if (!isUuid(id) || !KEY_VALUE_TYPES.text(value)) return null
    return !sort || KEY_VALUE_TYPES[SORT_TYPES[sort]](value) ? [value, id] : null
  }
  catch {
    return null
  }
}

/** A page of the deals the transaction may see, filtered and sorted, with account and owner names. */
export async function listDeals(tx: Tx, tenantId: string, query: DealListQuery) {
  const sort = sortOf(query.sort ?? 'createdAt', query.dir)
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
  const cursor = query.cursor ? decodeDealCursor(query.cursor, query.sort ?? 'createdAt') : null
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
