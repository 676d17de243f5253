import { and, desc, eq, or, sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import { accounts, contacts, leads } from '../../../db/schema'
import type { Tx } from '../db'
import { conflict, notFound } from '../errors'
import { checkReferences, createAccount, createContact, createDeal, type Actor } from '../deals/records'
import { checkCustom, CustomValuesSchema } from './customFields'
import { scoreLead } from './leadScore'

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

export const LeadConvertSchema = z.object({
  dealName: z.string().trim().min(1).max(300).optional(),
  amount: z.union([z.number().min(0).max(1e12), z.string().regex(/^\d{1,12}(\.\d{1,2})?$/)]).default(0),
  closeDate: z.iso.date().optional(),
  accountId: z.uuid().optional(),
}).strict()

/** Captures a lead with its score and reasons. */
export async function createLead(tx: Tx, actor: Actor, input: z.output<typeof LeadCreateSchema>) {
  await checkReferences(tx, actor.tenantId, { ownerId: input.ownerId })
  const { score, reasons } = scoreLead(input)
  const { engagement: _engagement, ...fields } = input
  const custom = await checkCustom(tx, actor.tenantId, 'lead', {}, input.custom)
  const [lead] = await tx.insert(leads).values({ tenantId: actor.tenantId, ...fields, custom, ownerId: input.ownerId ?? actor.userId, score, scoreReasons: reasons }).returning()
  return lead!
}

export async function listLeads(tx: Tx, tenantId: string, query: { limit: number, status?: string }) {
  const where: (SQL | undefined)[] = [eq(leads.tenantId, tenantId)]
  if (query.status) where.push(eq(leads.status, query.status))
  return { data: await tx.select().from(leads).where(and(...where)).orderBy(desc(leads.score), desc(leads.createdAt)).limit(query.limit) }
}

/**
 * Converts a lead in one transaction: links the account with the same name or email domain (or
 * creates it), links the contact with the same email (or creates it), opens a deal with them.
 */
export async function convertLead(tx: Tx, actor: Actor, leadId: string, input: z.output<typeof LeadConvertSchema>) {
  const [lead] = await tx.select().from(leads).where(and(eq(leads.tenantId, actor.tenantId), eq(leads.id, leadId))).for('update')
  if (!lead) throw notFound('lead')
  if (lead.status === 'converted') throw conflict('this lead is already converted', { error: 'already_converted', dealId: lead.convertedDealId })
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
    ? await tx.select().from(contacts).where(and(eq(contacts.tenantId, actor.tenantId), eq(sql`lower(${contacts.email})`, lead.email))).limit(1)
    : []
  if (!contact) {
    const [firstName, ...rest] = lead.name.split(/\s+/)
    contact = await createContact(tx, owned, { firstName: firstName!, lastName: rest.join(' '), email: lead.email, title: lead.title, accountId: account.id })
  }
  const deal = await createDeal(tx, owned, {
    name: input.dealName ?? `${account.name} — new business`, amount: input.amount, closeDate: input.closeDate ?? null,
    accountId: account.id, contactIds: [contact.id], source: lead.source,
  })
  await tx.update(leads).set({ status: 'converted', convertedDealId: deal.id, updatedAt: new Date() }).where(and(eq(leads.tenantId, actor.tenantId), eq(leads.id, leadId)))
  return { account, contact, deal }
}
