import { and, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import { accounts, contacts, dealContacts, deals, events } from '../../../db/schema'
import type { Tx } from '../core/db'
import { actedAt as when, type Actor } from '../core/actor'
import { notFound } from '../core/errors'
import { checkCustom, CustomValuesSchema, type CustomValues } from './customFields'
import { containing, cursorOfSort, decodeSortKey, keysetAfter, keysetOrder, keysetPage, keysetValue, type KeysetSort } from '../core/paging'
import { checkReferences } from './references'

export interface NewContact {
  firstName: string
  lastName?: string
  email?: string | null
  phone?: string | null
  title?: string | null
  accountId?: string | null
  ownerId?: string | null
  custom?: CustomValues
}

export async function createContact(tx: Tx, actor: Actor, input: NewContact) {
  const now = when(actor)
  await checkReferences(tx, actor.tenantId, { accountId: input.accountId, ownerId: input.ownerId })
  const custom = await checkCustom(tx, actor.tenantId, 'contact', {}, input.custom)
  const [contact] = await tx
    .insert(contacts)
    .values({
      tenantId: actor.tenantId,
      ...input,
      custom,
      email: input.email?.toLowerCase() ?? null,
      ownerId: input.ownerId ?? actor.userId,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
  return contact!
}

const ContactFields = z.object({
  firstName: z.string().trim().min(1, 'required').max(100),
  lastName: z.string().trim().max(100),
  email: z.email('a valid email address').max(320).transform(s => s.toLowerCase()).nullish(),
  phone: z.string().trim().max(50).regex(/^[+\d][\d\s().-]*$/, 'digits, spaces and + ( ) . -').nullish(),
  title: z.string().trim().max(200).nullish(),
  accountId: z.uuid().nullish(),
  ownerId: z.uuid().optional(),
  custom: CustomValuesSchema.optional(),
}).strict()
export const ContactCreateSchema = ContactFields.extend({ lastName: ContactFields.shape.lastName.default('') })
// No defaults here: a field left out of a PATCH stays as it is.
export const ContactPatchSchema = ContactFields.partial().strict().refine(p => Object.keys(p).length > 0, 'nothing to change')

export const CONTACT_SORTS = ['name', 'createdAt', 'lastActivity'] as const
export type ContactSort = (typeof CONTACT_SORTS)[number]

/** When the contact was last in an event (the events the transaction may see); never: the epoch. */
const lastActivity = sql`coalesce((select max(e.occurred_at) from events e
  where e.tenant_id = ${contacts.tenantId} and e.contact_id = ${contacts.id}), 'epoch'::timestamptz)`

const SORTS: Record<ContactSort, KeysetSort> = {
  name: { key: sql`lower(${contacts.lastName} || ' ' || ${contacts.firstName})`, dir: 'asc', type: 'text' },
  createdAt: { key: sql`${contacts.createdAt}`, dir: 'desc', type: 'timestamptz' },
  lastActivity: { key: lastActivity, dir: 'desc', type: 'timestamptz' },
}

/** The list query's cursor check: 400 naming `cursor` for one its sort did not hand out. */
export const checkContactCursor = cursorOfSort(SORTS, 'name')

export interface ContactListQuery { limit: number, cursor?: string, q?: string, accountId?: string, ownerId?: string, sort?: ContactSort }

/** Contacts the transaction may see, by name (default), newest or latest activity; `q` matches names and email. */
export async function listContacts(tx: Tx, tenantId: string, query: ContactListQuery) {
  const sort = SORTS[query.sort ?? 'name']
  const where: (SQL | undefined)[] = [eq(contacts.tenantId, tenantId)]
  if (query.q) {
    const term = containing(query.q)
    where.push(
      or(
        ilike(contacts.firstName, term),
        ilike(contacts.lastName, term),
        ilike(contacts.email, term),
        ilike(sql`${contacts.firstName} || ' ' || ${contacts.lastName}`, term),
      ),
    )
  }
  if (query.accountId) where.push(eq(contacts.accountId, query.accountId))
  if (query.ownerId) where.push(eq(contacts.ownerId, query.ownerId))
  const cursor = decodeSortKey(sort, query.cursor)
  if (cursor) where.push(keysetAfter(sort, contacts.id, cursor))
  const rows = await tx.select({
    id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName, email: contacts.email, phone: contacts.phone,
    title: contacts.title, accountId: contacts.accountId, accountName: accounts.name, ownerId: contacts.ownerId,
    lastActivityAt: sql<string | null>`nullif(${lastActivity}, 'epoch'::timestamptz)`, key: keysetValue(sort),
  }).from(contacts).leftJoin(accounts, and(eq(accounts.tenantId, contacts.tenantId), eq(accounts.id, contacts.accountId)))
    .where(and(...where)).orderBy(...keysetOrder(sort, contacts.id)).limit(query.limit + 1)
  return keysetPage(rows, query.limit)
}

/** 404 unless the transaction can see the contact. */
export async function assertContact(tx: Tx, tenantId: string, id: string) {
  const [found] = await tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)))
  if (!found) throw notFound('contact')
}

/** The deals a contact is on, with their role in each. */
export function contactDeals(tx: Tx, tenantId: string, contactId: string) {
  return tx
    .select({ id: deals.id, name: deals.name, stage: deals.stage, amount: deals.amount, currency: deals.currency, role: dealContacts.role })
    .from(dealContacts)
    .innerJoin(deals, and(eq(deals.tenantId, dealContacts.tenantId), eq(deals.id, dealContacts.dealId)))
    .where(and(eq(dealContacts.tenantId, tenantId), eq(dealContacts.contactId, contactId)))
}

/** One contact with their account, deals and recent events, or 404. */
export async function getContact(tx: Tx, tenantId: string, id: string) {
  const [contact] = await tx.select().from(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)))
  if (!contact) throw notFound('contact')
  const [account] = contact.accountId
    ? await tx
        .select({ id: accounts.id, name: accounts.name })
        .from(accounts)
        .where(and(eq(accounts.tenantId, tenantId), eq(accounts.id, contact.accountId)))
    : []
  const theirDeals = await contactDeals(tx, tenantId, id)
  const recentEvents = await tx.select().from(events).where(and(eq(events.tenantId, tenantId), eq(events.contactId, id)))
    .orderBy(desc(events.occurredAt)).limit(20)
  return { ...contact, account: account ?? null, deals: theirDeals, recentEvents }
}

export async function updateContact(tx: Tx, tenantId: string, id: string, patch: z.output<typeof ContactPatchSchema>) {
  await checkReferences(tx, tenantId, { accountId: patch.accountId, ownerId: patch.ownerId })
  const [existing] = await tx
    .select({ custom: contacts.custom })
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)))
    .for('update')
  if (!existing) throw notFound('contact')
  const custom = patch.custom === undefined ? undefined : await checkCustom(tx, tenantId, 'contact', existing.custom, patch.custom)
  const [contact] = await tx.update(contacts).set({ ...patch, custom, updatedAt: new Date() })
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id))).returning()
  if (!contact) throw notFound('contact')
  return contact
}

export async function deleteContact(tx: Tx, tenantId: string, id: string) {
  const [gone] = await tx.delete(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id))).returning({ id: contacts.id })
  if (!gone) throw notFound('contact')
}
