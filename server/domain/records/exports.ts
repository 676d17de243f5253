import { and, asc, eq, gt } from 'drizzle-orm'
import type { PgSelect } from 'drizzle-orm/pg-core'
import { accounts, contacts, deals, users } from '../../../db/schema'
import type { Tx } from '../core/db'
import { dealSummaryColumns } from '../deals/queries'

export const EXPORT_KINDS = ['deals', 'accounts', 'contacts'] as const
export type ExportKind = (typeof EXPORT_KINDS)[number]

/** One page of an export's query (made `$dynamic()`): the tenant's rows after an id, in id order. */
function pageOf<Q extends PgSelect>(
  query: Q,
  table: typeof deals | typeof accounts | typeof contacts,
  page: { tenantId: string, after: string | null, size: number },
) {
  const { tenantId, after, size } = page
  return query.where(and(eq(table.tenantId, tenantId), after ? gt(table.id, after) : undefined)).orderBy(asc(table.id)).limit(size)
}

/** Each export: its header row, and one page of rows after an id (in id order). */
export const EXPORTS: Record<
  ExportKind,
  { header: string[], page: (tx: Tx, tenantId: string, after: string | null, size: number) => Promise<{ id: string, row: unknown[] }[]> }
> = {
  deals: {
    header: [
      'id',
      'name',
      'stage',
      'amount',
      'currency',
      'close_date',
      'owner_email',
      'account',
      'probability',
      'forecast_category',
      'source',
      'external_id',
      'created_at',
      'custom',
    ],
    page: async (tx, tenantId, after, size) => {
      const query = tx
        .select({
          ...dealSummaryColumns,
          owner: users.email,
          account: accounts.name,
          probability: deals.probability,
          category: deals.forecastCategory,
          source: deals.source,
          externalId: deals.externalId,
          createdAt: deals.createdAt,
          custom: deals.custom,
        })
        .from(deals)
        .leftJoin(users, and(eq(users.tenantId, deals.tenantId), eq(users.id, deals.ownerId)))
        .leftJoin(accounts, and(eq(accounts.tenantId, deals.tenantId), eq(accounts.id, deals.accountId)))
      return (await pageOf(query.$dynamic(), deals, { tenantId, after, size })).map(d => ({
        id: d.id,
        row: [
          d.id,
          d.name,
          d.stage,
          d.amount,
          d.currency,
          d.closeDate,
          d.owner,
          d.account,
          d.probability,
          d.category,
          d.source,
          d.externalId,
          d.createdAt,
          d.custom,
        ],
      }))
    },
  },
  accounts: {
    header: ['id', 'name', 'domain', 'industry', 'owner_email', 'source', 'external_id', 'created_at', 'custom'],
    page: async (tx, tenantId, after, size) => {
      const query = tx
        .select({
          id: accounts.id,
          name: accounts.name,
          domain: accounts.domain,
          industry: accounts.industry,
          owner: users.email,
          source: accounts.source,
          externalId: accounts.externalId,
          createdAt: accounts.createdAt,
          custom: accounts.custom,
        })
        .from(accounts)
        .leftJoin(users, and(eq(users.tenantId, accounts.tenantId), eq(users.id, accounts.ownerId)))
      return (await pageOf(query.$dynamic(), accounts, { tenantId, after, size })).map(a => ({
        id: a.id,
        row: [a.id, a.name, a.domain, a.industry, a.owner, a.source, a.externalId, a.createdAt, a.custom],
      }))
    },
  },
  contacts: {
    header: ['id', 'first_name', 'last_name', 'email', 'phone', 'title', 'account', 'owner_email', 'created_at', 'custom'],
    page: async (tx, tenantId, after, size) => {
      const query = tx
        .select({
          id: contacts.id,
          firstName: contacts.firstName,
          lastName: contacts.lastName,
          email: contacts.email,
          phone: contacts.phone,
          title: contacts.title,
          account: accounts.name,
          owner: users.email,
          createdAt: contacts.createdAt,
          custom: contacts.custom,
        })
        .from(contacts)
        .leftJoin(accounts, and(eq(accounts.tenantId, contacts.tenantId), eq(accounts.id, contacts.accountId)))
        .leftJoin(users, and(eq(users.tenantId, contacts.tenantId), eq(users.id, contacts.ownerId)))
      return (await pageOf(query.$dynamic(), contacts, { tenantId, after, size })).map(c => ({
        id: c.id,
        row: [c.id, c.firstName, c.lastName, c.email, c.phone, c.title, c.account, c.owner, c.createdAt, c.custom],
      }))
    },
  },
}
