import { and, asc, eq, sql } from 'drizzle-orm'
import { accounts, contacts, dealContacts, deals, events, leads, notes, tasks } from '../../../db/schema'
import { queryRows } from '../../../db/client'
import type { Tx } from '../db'
import { conflict, notFound } from '../errors'
import { audit, type Actor } from '../tenancy/audit'

/**
 * Data-subject rights for a contact: everything held on the person (portability), and erasure
 * that anonymizes their personal fields while the history (events, deals) keeps its shape.
 */

/** Everything held on a contact, as one JSON document; the export itself is audited. */
export async function exportContact(tx: Tx, actor: Actor, id: string) {
  const tenantId = actor.tenantId
  const [contact] = await tx.select().from(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)))
  if (!contact) throw notFound('contact')
  const [account] = contact.accountId
    ? await tx.select({ id: accounts.id, name: accounts.name, domain: accounts.domain }).from(accounts).where(and(eq(accounts.tenantId, tenantId), eq(accounts.id, contact.accountId)))
    : []
  const theirDeals = await tx.select({ id: deals.id, name: deals.name, stage: deals.stage, amount: deals.amount, currency: deals.currency, role: dealContacts.role })
    .from(dealContacts).innerJoin(deals, and(eq(deals.tenantId, dealContacts.tenantId), eq(deals.id, dealContacts.dealId)))
    .where(and(eq(dealContacts.tenantId, tenantId), eq(dealContacts.contactId, id)))
  const theirNotes = await tx.select({ id: notes.id, body: notes.body, dealId: notes.dealId, createdAt: notes.createdAt }).from(notes)
    .where(and(eq(notes.tenantId, tenantId), eq(notes.contactId, id))).orderBy(asc(notes.createdAt))
  const theirTasks = await tx.select({ id: tasks.id, title: tasks.title, dueAt: tasks.dueAt, doneAt: tasks.doneAt }).from(tasks)
    .where(and(eq(tasks.tenantId, tenantId), eq(tasks.contactId, id))).orderBy(asc(tasks.createdAt))
  const theirEvents = await tx.select({
    id: events.id, type: events.type, occurredAt: events.occurredAt, source: events.source, dealId: events.dealId, actorEmail: events.actorEmail, metadata: events.metadata,
  }).from(events).where(and(eq(events.tenantId, tenantId), eq(events.contactId, id))).orderBy(asc(events.occurredAt))
  const asLead = contact.email
    ? await tx.select({ id: leads.id, name: leads.name, email: leads.email, company: leads.company, title: leads.title, source: leads.source, status: leads.status, createdAt: leads.createdAt })
        .from(leads).where(and(eq(leads.tenantId, tenantId), sql`lower(${leads.email}) = ${contact.email.toLowerCase()}`))
    : []
  await audit(tx, actor, 'data.exported', { targetType: 'contact', targetId: id })
  return {
    exportedAt: new Date().toISOString(),
    contact: { ...contact, tenantId: undefined },
    account: account ?? null,
    deals: theirDeals,
    notes: theirNotes,
    tasks: theirTasks,
    events: theirEvents,
    leads: asLead,
  }
}

const ERASED = '[erased]'

/**
 * Erases a person: name, email, phone, title and custom fields anonymized; notes about them
 * blanked; leads with their email anonymized; their events stripped of personal metadata (see
 * migration 0011). Deals and event counts stay, so pipeline history and momentum still add up.
 * Audited without any personal data. A second erase is a 409.
 */
export async function eraseContact(tx: Tx, actor: Actor, id: string, now = new Date()) {
  const tenantId = actor.tenantId
  const [contact] = await tx.select().from(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id))).for('update')
  if (!contact) throw notFound('contact')
  if (contact.erasedAt) throw conflict('this contact was erased already', { erasedAt: contact.erasedAt })
  await tx.update(contacts).set({
    firstName: 'Erased', lastName: 'contact', email: null, phone: null, title: null, custom: {}, erasedAt: now, updatedAt: now,
  }).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)))
  const notesBlanked = (await tx.update(notes).set({ body: ERASED, updatedAt: now })
    .where(and(eq(notes.tenantId, tenantId), eq(notes.contactId, id))).returning({ id: notes.id })).length
  const leadsErased = contact.email
    ? (await tx.update(leads).set({ name: ERASED, email: null, title: null, custom: {}, updatedAt: now })
        .where(and(eq(leads.tenantId, tenantId), sql`lower(${leads.email}) = ${contact.email.toLowerCase()}`)).returning({ id: leads.id })).length
    : 0
  const [erased] = await queryRows<{ n: number }>(tx, sql`select momentum_erase_contact_events(${id}::uuid) as n`)
  const counts = { events: erased!.n, notes: notesBlanked, leads: leadsErased }
  await audit(tx, actor, 'data.erased', { targetType: 'contact', targetId: id, metadata: counts })
  return { id, erasedAt: now, ...counts }
}
