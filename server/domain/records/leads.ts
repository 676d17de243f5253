import { and, eq, ilike, or, sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import { accounts, contacts, leads, users } from '../../../db/schema'
import type { Tx } from '../core/db'
import { conflict, notFound } from '../core/errors'
import { createDeal, type Actor } from '../deals/records'
import { createAccount } from '../records/accounts'
import { createContact } from '../records/contacts'
import { checkReferences } from '../records/references'
import { checkCustom, CustomValuesSchema } from './customFields'
import { scoreLead } from './leadScore'
import { containing, cursorOfSort, decodeSortKey, keysetAfter, keysetOrder, keysetPage, keysetValue, type KeysetSort } from '../core/paging'
import { IsoDay } from '../core/dates'

export const LeadCreateSchema = z.object({
  name: z.string().trim().min(1, 'required').max(200),
  email: z.email('a valid email address').max(320).transform(s => s.toLowerCase()).nullish(),
  company: z.string().trim().max(300).nullish(),
  title: z.string().trim().max(200).nullish(),
  source: z.string().trim().toLowerCase().min(1).max(64).default('inbound'),
  ownerId: z.uuid().optional(),
  engagement: z.object({
    emailsOpened: z.number().int().min(0).max(10_000).optional(),
    pagesViewed: z.number().int().min(0).max(10_000).optional(),
    meetingRequested: z.boolean().optional(),
  }).strict().optional(),
  custom: CustomValuesSchema.optional(),
}).strict()

/** Fields an edit may change; `status` may open or disqualify a lead (conversion has its own route). */
export const LeadPatchSchema = LeadCreateSchema.omit({ source: true }).extend({
  source: z.string().trim().toLowerCase().min(1).max(64),
  status: z.enum(['open', 'disqualified']),
}).partial().strict().refine(p => Object.keys(p).length > 0, 'nothing to change')

export const LEAD_SORTS = ['score', 'createdAt', 'name'] as const
export type LeadSort = (typeof LEAD_SORTS)[number]
export const LEAD_STATUSES = ['open', 'converted', 'disqualified'] as const

export const LeadConvertSchema = z.object({
  dealName: z.string().trim().min(1).max(300).optional(),
  amount: z.union([z.number().min(0).max(1e12), z.string().regex(/^\d{1,12}(\.\d{1,2})?$/)]).default(0),
  closeDate: IsoDay().optional(),
  accountId: z.uuid().optional(),
}).strict()

/** Captures a lead with its score and reasons. */
export async function createLead(tx: Tx, actor: Actor, input: z.output<typeof LeadCreateSchema>) {
  await checkReferences(tx, actor.tenantId, { ownerId: input.ownerId })
  const { score, reasons } = scoreLead(input)
  const custom = await checkCustom(tx, actor.tenantId, 'lead', {}, input.custom)
  const [lead] = await tx
    .insert(leads)
    .values({
      tenantId: actor.tenantId,
      ...input,
      engagement: input.engagement ?? {},
      custom,
      ownerId: input.ownerId ?? actor.userId,
      score,
      scoreReasons: reasons,
    })
    .returning()
  return lead!
}

const SORTS: Record<LeadSort, KeysetSort> = {
  score: { key: sql`${leads.score}`, dir: 'desc', type: 'numeric' },
  createdAt: { key: sql`${leads.createdAt}`, dir: 'desc', type: 'timestamptz' },
  name: { key: sql`lower(${leads.name})`, dir: 'asc', type: 'text' },
}

/** The list query's cursor check: 400 naming `cursor` for one its sort did not hand out. */
export const checkLeadCursor = cursorOfSort(SORTS, 'score')

export interface LeadListQuery {
  limit: number
  cursor?: string
  q?: string
  status?: string
  source?: string
  ownerId?: string
  sort?: LeadSort
}

/** Leads the transaction may see, best score first (or newest, or by name); `q` matches name, company and email. */
export async function listLeads(tx: Tx, tenantId: string, query: LeadListQuery) {
  const sort = SORTS[query.sort ?? 'score']
  const where: (SQL | undefined)[] = [eq(leads.tenantId, tenantId)]
  if (query.status) where.push(eq(leads.status, query.status))
  if (query.source) where.push(eq(leads.source, query.source.toLowerCase()))
  if (query.ownerId) where.push(eq(leads.ownerId, query.ownerId))
  if (query.q) {
    const term = containing(query.q)
    where.push(or(ilike(leads.name, term), ilike(leads.company, term), ilike(leads.email, term)))
  }
  const cursor = decodeSortKey(sort, query.cursor)
  if (cursor) where.push(keysetAfter(sort, leads.id, cursor))
  const rows = await tx.select({
    id: leads.id, name: leads.name, email: leads.email, company: leads.company, title: leads.title, source: leads.source,
    status: leads.status, score: leads.score, scoreReasons: leads.scoreReasons, ownerId: leads.ownerId, ownerName: users.name,
    convertedDealId: leads.convertedDealId, createdAt: leads.createdAt, key: keysetValue(sort),
  }).from(leads).leftJoin(users, and(eq(users.tenantId, leads.tenantId), eq(users.id, leads.ownerId)))
    .where(and(...where)).orderBy(...keysetOrder(sort, leads.id)).limit(query.limit + 1)
  return keysetPage(rows, query.limit)
}

/** One lead with its owner's name, or 404. */
export async function getLead(tx: Tx, tenantId: string, id: string) {
  const [row] = await tx.select({ lead: leads, ownerName: users.name }).from(leads)
    .leftJoin(users, and(eq(users.tenantId, leads.tenantId), eq(users.id, leads.ownerId)))
    .where(and(eq(leads.tenantId, tenantId), eq(leads.id, id)))
  if (!row) throw notFound('lead')
  return { ...row.lead, ownerName: row.ownerName }
}

/** Edits a lead and scores it again from its new fields; a converted lead is left as it was (409). */
export async function updateLead(tx: Tx, tenantId: string, id: string, patch: z.output<typeof LeadPatchSchema>) {
  await checkReferences(tx, tenantId, { ownerId: patch.ownerId })
  const [existing] = await tx.select().from(leads).where(and(eq(leads.tenantId, tenantId), eq(leads.id, id))).for('update')
  if (!existing) throw notFound('lead')
  if (existing.status === 'converted')
    throw conflict('a converted lead cannot be edited', { error: 'already_converted', dealId: existing.convertedDealId })
  const custom = patch.custom === undefined ? undefined : await checkCustom(tx, tenantId, 'lead', existing.custom, patch.custom)
  const next = { ...existing, ...patch, engagement: patch.engagement ?? existing.engagement }
  const { score, reasons } = scoreLead(next)
  const [lead] = await tx
    .update(leads)
    .set({ ...patch, engagement: next.engagement, custom, score, scoreReasons: reasons, updatedAt: new Date() })
    .where(and(eq(leads.tenantId, tenantId), eq(leads.id, id)))
    .returning()
  return lead!
}

/**
 * Converts a lead in one transaction: links the account with the same name or email domain (or
 * creates it), links the contact with the same email (or creates it), opens a deal with them.
 */
export async function convertLead(tx: Tx, actor: Actor, leadId: string, input: z.output<typeof LeadConvertSchema>) {
  const [lead] = await tx.select().from(leads).where(and(eq(leads.tenantId, actor.tenantId), eq(leads.id, leadId))).for('update')
  if (!lead) throw notFound('lead')
  if (lead.status === 'converted')
    throw conflict('this lead is already converted', { error: 'already_converted', dealId: lead.convertedDealId })
  const owned = { ...actor, userId: lead.ownerId ?? actor.userId }
  const domain = lead.email?.split('@')[1]
  const companyName = lead.company?.trim() || lead.name
  let [account] = input.accountId
    ? await tx.select().from(accounts).where(and(eq(accounts.tenantId, actor.tenantId), eq(accounts.id, input.accountId)))
    : await tx.select().from(accounts).where(and(eq(accounts.tenantId, actor.tenantId),
        or(eq(sql`lower(${accounts.name})`, companyName.toLowerCase()), domain ? eq(accounts.domain, domain) : undefined))).limit(1)
  if (!account && input.accountId) throw notFound('account')
  account ??= await createAccount(tx, owned, { name: companyName, domain: domain ?? null })
  let [contact] = lead.email
    ? await tx
        .select()
        .from(contacts)
        .where(and(eq(contacts.tenantId, actor.tenantId), eq(sql`lower(${contacts.email})`, lead.email)))
        .limit(1)
    : []
  if (!contact) {
    const [firstName, ...rest] = lead.name.split(/\s+/)
    contact = await createContact(tx, owned, {
      firstName: firstName!,
      lastName: rest.join(' '),
      email: lead.email,
      title: lead.title,
      accountId: account.id,
    })
  }
  const deal = await createDeal(tx, owned, {
    name: input.dealName ?? `${account.name} — new business`, amount: input.amount, closeDate: input.closeDate ?? null,
    accountId: account.id, contactIds: [contact.id], source: lead.source,
  })
  await tx
    .update(leads)
    .set({ status: 'converted', convertedDealId: deal.id, updatedAt: new Date() })
    .where(and(eq(leads.tenantId, actor.tenantId), eq(leads.id, leadId)))
  return { account, contact, deal }
}
