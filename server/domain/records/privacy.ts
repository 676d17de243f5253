import { and, asc, eq, or, sql, type SQL } from 'drizzle-orm'
import { accounts, contacts, emailMessages, events, leads, notes, tasks } from '../../../db/schema'
import { queryRows } from '../../../db/client'
import type { Tx } from '../core/db'
import { conflict, notFound } from '../core/errors'
import { audit, type Actor } from '../tenancy/audit'
import { contactDeals } from './contacts'

/**
 * Data-subject rights for a contact: everything held on the person (portability), and erasure
 * that anonymizes their personal fields while the history (events, deals) keeps its shape.
 */

/** The emails about a person: linked to the contact, or from or to their address (unmatched replies too). */
function theirMessages(tenantId: string, id: string, email: string | null): SQL {
  const address = email?.toLowerCase()
  return and(eq(emailMessages.tenantId, tenantId), or(
    eq(emailMessages.contactId, id),
    ...(address ? [sql`lower(${emailMessages.fromAddress}) = ${address}`, sql`lower(${emailMessages.toAddress}) = ${address}`] : []),
  ))!
}

/** Their events: about the contact, or acted by their address. */
const theirEvents = (tenantId: string, id: string, email: string | null): SQL => and(eq(events.tenantId, tenantId), or(
  eq(events.contactId, id),
  ...(email ? [sql`lower(${events.actorEmail}) = ${email.toLowerCase()}`] : []),
))!

/** Everything held on a contact, as one JSON document; the export itself is audited. */
export async function exportContact(tx: Tx, actor: Actor, id: string) {
  const tenantId = actor.tenantId
  const [contact] = await tx.select().from(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)))
  if (!contact) throw notFound('contact')
  const [account] = contact.accountId
    ? await tx
        .select({ id: accounts.id, name: accounts.name, domain: accounts.domain })
        .from(accounts)
        .where(and(eq(accounts.tenantId, tenantId), eq(accounts.id, contact.accountId)))
    : []
  const theirDeals = await contactDeals(tx, tenantId, id)
  const theirNotes = await tx.select({ id: notes.id, body: notes.body, dealId: notes.dealId, createdAt: notes.createdAt }).from(notes)
    .where(and(eq(notes.tenantId, tenantId), eq(notes.contactId, id))).orderBy(asc(notes.createdAt))
  const theirTasks = await tx.select({ id: tasks.id, title: tasks.title, dueAt: tasks.dueAt, doneAt: tasks.doneAt }).from(tasks)
    .where(and(eq(tasks.tenantId, tenantId), eq(tasks.contactId, id))).orderBy(asc(tasks.createdAt))
  const theirEventRows = await tx
    .select({
      id: events.id,
      type: events.type,
      occurredAt: events.occurredAt,
      source: events.source,
      dealId: events.dealId,
      actorEmail: events.actorEmail,
      metadata: events.metadata,
    })
    .from(events)
    .where(theirEvents(tenantId, id, contact.email))
    .orderBy(asc(events.occurredAt))
  const emails = await tx
    .select({
      id: emailMessages.id,
      direction: emailMessages.direction,
      messageId: emailMessages.messageId,
      inReplyTo: emailMessages.inReplyTo,
      dealId: emailMessages.dealId,
      from: emailMessages.fromAddress,
      to: emailMessages.toAddress,
      subject: emailMessages.subject,
      at: emailMessages.at,
      deliveredAt: emailMessages.deliveredAt,
      lastClickAt: emailMessages.lastClickAt,
      lastClickUrl: emailMessages.lastClickUrl,
      rawPayload: emailMessages.rawPayload,
      rawReceivedAt: emailMessages.rawReceivedAt,
    })
    .from(emailMessages)
    .where(theirMessages(tenantId, id, contact.email))
    .orderBy(asc(emailMessages.at))
  const asLead = contact.email
    ? await tx
        .select({
          id: leads.id,
          name: leads.name,
          email: leads.email,
          company: leads.company,
          title: leads.title,
          source: leads.source,
          status: leads.status,
          createdAt: leads.createdAt,
        })
        .from(leads)
        .where(and(eq(leads.tenantId, tenantId), sql`lower(${leads.email}) = ${contact.email.toLowerCase()}`))
    : []
  await audit(tx, actor, 'data.exported', { targetType: 'contact', targetId: id })
  return {
    exportedAt: new Date().toISOString(),
    contact: { ...contact, tenantId: undefined },
    account: account ?? null,
    deals: theirDeals,
    notes: theirNotes,
    tasks: theirTasks,
    events: theirEventRows,
    emails,
    leads: asLead,
  }
}

const ERASED = '[erased]'

/**
 * Erases a person: name, email, phone, title and custom fields anonymized; notes about them
 * blanked; leads with their email anonymized; the emails about them (linked, or from or to their
 * address) lose addresses, subject, clicked link and raw payload; their events — about the
 * contact or acted by their address — are stripped of personal metadata (migrations 0011, 0019).
 * Deals and event counts stay, so pipeline history and momentum still add up.
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
    ? (
        await tx
          .update(leads)
          .set({ name: ERASED, email: null, title: null, custom: {}, updatedAt: now })
          .where(and(eq(leads.tenantId, tenantId), sql`lower(${leads.email}) = ${contact.email.toLowerCase()}`))
          .returning({ id: leads.id })
      ).length
    : 0
  const emailsErased = (
    await tx
      .update(emailMessages)
      .set({ fromAddress: null, toAddress: null, subject: ERASED, lastClickUrl: null, rawPayload: null })
      .where(theirMessages(tenantId, id, contact.email))
      .returning({ id: emailMessages.id })
  ).length
  const [erased] = await queryRows<{ n: number }>(tx, sql`select momentum_erase_contact_events(${id}::uuid, ${contact.email}::text) as n`)
  const counts = { events: erased!.n, notes: notesBlanked, leads: leadsErased, emails: emailsErased }
  await audit(tx, actor, 'data.erased', { targetType: 'contact', targetId: id, metadata: counts })
  return { id, erasedAt: now, ...counts }
}
