import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm'
import { accounts, deals, users } from '../../../db/schema'
import { encodeCursor, type Cursor } from '../cursor'
import type { Tx } from '../db'

export interface DealListQuery {
  limit: number
  cursor?: Cursor
  stage?: string
  ownerId?: string
}

const dealColumns = {
  id: deals.id, name: deals.name, stage: deals.stage, amount: deals.amount, currency: deals.currency,
  closeDate: deals.closeDate, ownerId: deals.ownerId, ownerName: users.name, accountId: deals.accountId,
  accountName: accounts.name, stageEnteredAt: deals.stageEnteredAt, createdAt: deals.createdAt, updatedAt: deals.updatedAt,
}

/** A page of the tenant's deals, newest first, with account and owner names. */
export async function listDeals(tx: Tx, tenantId: string, query: DealListQuery) {
  const where: (SQL | undefined)[] = [eq(deals.tenantId, tenantId)]
  if (query.stage) where.push(eq(deals.stage, query.stage))
  if (query.ownerId) where.push(eq(deals.ownerId, query.ownerId))
  if (query.cursor) {
    where.push(or(lt(deals.createdAt, query.cursor.at), and(eq(deals.createdAt, query.cursor.at), lt(deals.id, query.cursor.id))))
  }
  const rows = await tx.select(dealColumns).from(deals)
    .leftJoin(accounts, and(eq(accounts.tenantId, deals.tenantId), eq(accounts.id, deals.accountId)))
    .leftJoin(users, and(eq(users.tenantId, deals.tenantId), eq(users.id, deals.ownerId)))
    .where(and(...where))
    .orderBy(desc(deals.createdAt), desc(deals.id))
    .limit(query.limit + 1)
  const page = rows.slice(0, query.limit)
  const last = page[page.length - 1]
  return { data: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null }
}

/** One deal with its account and owner names, or undefined. */
export async function getDeal(tx: Tx, tenantId: string, id: string) {
  const [deal] = await tx.select(dealColumns).from(deals)
    .leftJoin(accounts, and(eq(accounts.tenantId, deals.tenantId), eq(accounts.id, deals.accountId)))
    .leftJoin(users, and(eq(users.tenantId, deals.tenantId), eq(users.id, deals.ownerId)))
    .where(and(eq(deals.tenantId, tenantId), eq(deals.id, id)))
  return deal
}
