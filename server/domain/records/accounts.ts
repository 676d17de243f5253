import { and, asc, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import { accounts, contacts, deals, events, pipelineStages, users } from '../../../db/schema'
import type { Tx } from '../core/db'
import { actedAt as when, type Actor } from '../core/actor'
import { notFound } from '../core/errors'
import { recordsChanged } from '../events/bus'
import { checkCustom, CustomValuesSchema, type CustomValues } from './customFields'
import { containing, cursorOfSort, decodeSortKey, keysetAfter, keysetOrder, keysetPage, keysetValue, type KeysetSort } from '../core/paging'
import { checkReferences } from './references'
import { dealSummaryColumns } from '../deals/queries'

export const AccountCreateSchema = z.object({
  name: z.string().trim().min(1, 'required').max(300),
  domain: z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'a domain such as example.com').nullish(),
  industry: z.string().trim().max(100).nullish(),
  ownerId: z.uuid().optional(),
  custom: CustomValuesSchema.optional(),
}).strict()
export const AccountPatchSchema = AccountCreateSchema.partial().strict().refine(p => Object.keys(p).length > 0, 'nothing to change')

/** Creates an account (owned by the actor unless `ownerId` says otherwise). */
export async function createAccount(
  tx: Tx,
  actor: Actor,
  input: { name: string, domain?: string | null, industry?: string | null, ownerId?: string | null, custom?: CustomValues },
) {
  const now = when(actor)
  await checkReferences(tx, actor.tenantId, { ownerId: input.ownerId })
  const custom = await checkCustom(tx, actor.tenantId, 'account', {}, input.custom)
  const [account] = await tx
    .insert(accounts)
    .values({
      tenantId: actor.tenantId,
      ...input,
      custom,
      ownerId: input.ownerId ?? actor.userId,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
  return account!
}

export const ACCOUNT_SORTS = ['name', 'createdAt', 'openValue'] as const
export type AccountSort = (typeof ACCOUNT_SORTS)[number]

/** What an account's open deals are worth (the deals the transaction may see). */
const openValue = sql`coalesce((select sum(d.amount) from deals d
  join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage and s.kind = 'open'
  where d.tenant_id = ${accounts.tenantId} and d.account_id = ${accounts.id}), 0)`

const SORTS: Record<AccountSort, KeysetSort> = {
  name: { key: sql`lower(${accounts.name})`, dir: 'asc', type: 'text' },
  createdAt: { key: sql`${accounts.createdAt}`, dir: 'desc', type: 'timestamptz' },
  openValue: { key: openValue, dir: 'desc', type: 'numeric' },
}

/** The list query's cursor check: 400 naming `cursor` for one its sort did not hand out. */
export const checkAccountCursor = cursorOfSort(SORTS, 'name')

export interface AccountListQuery { limit: number, cursor?: string, q?: string, ownerId?: string, industry?: string, sort?: AccountSort }

/** Accounts the transaction may see, sorted by name (default), newest or open value; `q` matches name or domain. */
export async function listAccounts(tx: Tx, tenantId: string, query: AccountListQuery) {
  const sort = SORTS[query.sort ?? 'name']
  const where: (SQL | undefined)[] = [eq(accounts.tenantId, tenantId)]
  if (query.q) where.push(or(ilike(accounts.name, containing(query.q)), ilike(accounts.domain, containing(query.q))))
  if (query.ownerId) where.push(eq(accounts.ownerId, query.ownerId))
  if (query.industry) where.push(eq(sql`lower(${accounts.industry})`, query.industry.toLowerCase()))
  const cursor = decodeSortKey(sort, query.cursor)
  if (cursor) where.push(keysetAfter(sort, accounts.id, cursor))
  const rows = await tx.select({
    id: accounts.id, name: accounts.name, domain: accounts.domain, industry: accounts.industry, ownerId: accounts.ownerId,
    ownerName: users.name, createdAt: accounts.createdAt, openValue: sql<string>`${openValue}::text`, key: keysetValue(sort),
  }).from(accounts).leftJoin(users, and(eq(users.tenantId, accounts.tenantId), eq(users.id, accounts.ownerId)))
    .where(and(...where)).orderBy(...keysetOrder(sort, accounts.id)).limit(query.limit + 1)
  return keysetPage(rows, query.limit)
}

/** 404 unless the transaction can see the account. */
export async function assertAccount(tx: Tx, tenantId: string, id: string) {
  const [found] = await tx.select({ id: accounts.id }).from(accounts).where(and(eq(accounts.tenantId, tenantId), eq(accounts.id, id)))
  if (!found) throw notFound('account')
}

/** One account with its contacts, open deals and recent events, or 404. */
export async function getAccount(tx: Tx, tenantId: string, id: string) {
  const [account] = await tx.select().from(accounts).where(and(eq(accounts.tenantId, tenantId), eq(accounts.id, id)))
  if (!account) throw notFound('account')
  const people = await tx
    .select({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName, email: contacts.email, title: contacts.title })
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.accountId, id)))
    .orderBy(asc(contacts.lastName), asc(contacts.firstName))
  const openDeals = await tx
    .select({ ...dealSummaryColumns, ownerId: deals.ownerId })
    .from(deals)
    .innerJoin(pipelineStages, and(eq(pipelineStages.tenantId, deals.tenantId), eq(pipelineStages.key, deals.stage)))
    .where(and(eq(deals.tenantId, tenantId), eq(deals.accountId, id), eq(pipelineStages.kind, 'open')))
    .orderBy(desc(deals.amount))
  const recentEvents = await tx.select().from(events).where(and(eq(events.tenantId, tenantId), eq(events.accountId, id)))
    .orderBy(desc(events.occurredAt)).limit(20)
  return { ...account, contacts: people, openDeals, recentEvents }
}

export async function updateAccount(tx: Tx, tenantId: string, id: string, patch: z.output<typeof AccountPatchSchema>) {
  await checkReferences(tx, tenantId, { ownerId: patch.ownerId })
  const [existing] = await tx
    .select({ custom: accounts.custom })
    .from(accounts)
    .where(and(eq(accounts.tenantId, tenantId), eq(accounts.id, id)))
    .for('update')
  if (!existing) throw notFound('account')
  const custom = patch.custom === undefined ? undefined : await checkCustom(tx, tenantId, 'account', existing.custom, patch.custom)
  const [account] = await tx.update(accounts).set({ ...patch, custom, updatedAt: new Date() })
    .where(and(eq(accounts.tenantId, tenantId), eq(accounts.id, id))).returning()
  if (!account) throw notFound('account')
  await recordsChanged(tx, tenantId)
  return account
}

/** Deletes an account; its deals and contacts stay, without it. */
export async function deleteAccount(tx: Tx, tenantId: string, id: string) {
  await tx.update(deals).set({ accountId: null, updatedAt: new Date() }).where(and(eq(deals.tenantId, tenantId), eq(deals.accountId, id)))
  await tx
    .update(contacts)
    .set({ accountId: null, updatedAt: new Date() })
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.accountId, id)))
  const [gone] = await tx.delete(accounts).where(and(eq(accounts.tenantId, tenantId), eq(accounts.id, id))).returning({ id: accounts.id })
  if (!gone) throw notFound('account')
  await recordsChanged(tx, tenantId)
}

/** The industries the tenant's accounts name, each once (the first spelling met, case aside), by name. */
export async function listIndustries(tx: Tx, tenantId: string): Promise<string[]> {
  const rows = await tx
    .select({ industry: sql<string>`min(${accounts.industry})` })
    .from(accounts)
    .where(and(eq(accounts.tenantId, tenantId), sql`${accounts.industry} is not null and ${accounts.industry} <> ''`))
    .groupBy(sql`lower(${accounts.industry})`)
    .orderBy(sql`lower(min(${accounts.industry}))`)
    .limit(500)
  return rows.map(r => r.industry)
}
