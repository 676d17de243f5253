import { and, eq, inArray, sql } from 'drizzle-orm'
import type { PgSelect } from 'drizzle-orm/pg-core'
import { accounts, contacts, dealContacts, deals, pipelineStages, users } from '../../../db/schema'
import type { Tx } from '../core/db'
import { flagAutoReply } from '../email/tracking/autoReply'
import { flagMachine } from '../email/tracking/machine'
import type { EventInput, NewEvent } from './schema'

export interface ItemIssue { index: number, path: string, message: string }

export interface Normalized {
  /** One row per deal an event concerns (a contact's event lands on each of their open deals). */
  events: (NewEvent & { index: number })[]
  issues: ItemIssue[]
}

type Referenced = typeof users | typeof deals | typeof accounts | typeof contacts

const unique = <T>(values: (T | undefined | null)[]) => [...new Set(values.filter((v): v is T => v != null))]

/**
 * The one normalizer every source goes through: resolves each event's actor (a user by id or
 * email) and subject (a deal, contact or account by id, or a contact by email) set-wise, with one
 * query per kind of reference for the whole batch, and reports what does not resolve by index.
 * An event that names a contact but no deal lands on every open deal of that contact.
 * Everything is read through the caller's transaction, so another tenant's ids do not resolve.
 */
export async function normalizeEvents(tx: Tx, tenantId: string, inputs: readonly EventInput[]): Promise<Normalized> {
  const userIds = unique(inputs.map(e => e.actor.userId))
  const userEmails = unique(inputs.map(e => e.actor.userId ? undefined : e.actor.email))
  const dealIds = unique(inputs.map(e => e.subject.dealId))
  const accountIds = unique(inputs.map(e => e.subject.accountId))
  const contactIds = unique(inputs.map(e => e.subject.contactId))
  const contactEmails = unique(inputs.map(e => e.subject.contactId ? undefined : e.subject.email))

  // One query per kind of reference, one after the other (a transaction runs one query at a time).
  /** A `$dynamic()` select from `table` narrowed to the tenant's rows with one of these ids; no query for none. */
  const withIds = async <Q extends PgSelect>(query: Q, table: Referenced, ids: string[]) =>
    ids.length ? await query.where(and(eq(table.tenantId, tenantId), inArray(table.id, ids))) : []
  const knownUsers = await withIds(tx.select({ id: users.id }).from(users).$dynamic(), users, userIds)
  const byUserEmail = userEmails.length
    ? await tx
        .select({ id: users.id, email: sql<string>`lower(${users.email})` })
        .from(users)
        .where(and(eq(users.tenantId, tenantId), inArray(sql`lower(${users.email})`, userEmails)))
    : []
  const knownDeals = await withIds(tx.select({ id: deals.id, accountId: deals.accountId }).from(deals).$dynamic(), deals, dealIds)
  const knownAccounts = await withIds(tx.select({ id: accounts.id }).from(accounts).$dynamic(), accounts, accountIds)
  const knownContacts = await withIds(
    tx.select({ id: contacts.id, accountId: contacts.accountId }).from(contacts).$dynamic(), contacts, contactIds)
  const byContactEmail = contactEmails.length
    ? await tx
        .select({ id: contacts.id, accountId: contacts.accountId, email: sql<string>`lower(${contacts.email})` })
        .from(contacts)
        .where(and(eq(contacts.tenantId, tenantId), inArray(sql`lower(${contacts.email})`, contactEmails)))
    : []

  const userSet = new Set(knownUsers.map(u => u.id))
  const userByEmail = new Map(byUserEmail.map(u => [u.email, u.id]))
  const dealMap = new Map(knownDeals.map(d => [d.id, d]))
  const accountSet = new Set(knownAccounts.map(a => a.id))
  const contactMap = new Map(knownContacts.map(c => [c.id, c]))
  const contactByEmail = new Map(byContactEmail.map(c => [c.email, c]))

  const issues: ItemIssue[] = []
  const resolved = inputs.map((input, index) => {
    const fail = (path: string, message: string) => {
      issues.push({ index, path, message })
      return null
    }
    const { actor, subject } = input
    if (actor.userId && !userSet.has(actor.userId)) return fail('actor.userId', 'no such user')
    if (subject.dealId && !dealMap.has(subject.dealId)) return fail('subject.dealId', 'no such deal')
    if (subject.accountId && !accountSet.has(subject.accountId)) return fail('subject.accountId', 'no such account')
    if (subject.contactId && !contactMap.has(subject.contactId)) return fail('subject.contactId', 'no such contact')
    const contact = subject.contactId ? contactMap.get(subject.contactId) : subject.email ? contactByEmail.get(subject.email) : undefined
    if (!subject.contactId && subject.email && !contact && !subject.dealId && !subject.accountId) {
      return fail('subject.email', 'no contact has this email')
    }
    const deal = subject.dealId ? dealMap.get(subject.dealId) : undefined
    return {
      index,
      type: input.type,
      occurredAt: input.occurredAt,
      source: input.source,
      externalId: input.externalId ?? null,
      actorUserId: actor.userId ?? (actor.email ? userByEmail.get(actor.email) ?? null : null),
      actorEmail: actor.email ?? null,
      dealId: deal?.id ?? null,
      contactId: contact?.id ?? null,
      accountId: subject.accountId ?? deal?.accountId ?? contact?.accountId ?? null,
      // Auto-replies and machine opens are stored flagged: momentum leaves them out.
      metadata: flagMachine(input.type, input.occurredAt, flagAutoReply(input.type, input.metadata)),
    }
  })
  if (issues.length) return { events: [], issues }

  // A contact's event without a deal lands on each of the contact's open deals.
  const needDeals = unique(resolved.map(e => e && !e.dealId ? e.contactId : undefined))
  const openDeals = needDeals.length
    ? await tx.select({ contactId: dealContacts.contactId, dealId: deals.id, accountId: deals.accountId })
        .from(dealContacts)
        .innerJoin(deals, and(eq(deals.tenantId, dealContacts.tenantId), eq(deals.id, dealContacts.dealId)))
        .innerJoin(pipelineStages, and(eq(pipelineStages.tenantId, deals.tenantId), eq(pipelineStages.key, deals.stage)))
        .where(and(eq(dealContacts.tenantId, tenantId), inArray(dealContacts.contactId, needDeals), eq(pipelineStages.kind, 'open')))
    : []
  const dealsOfContact = Map.groupBy(openDeals, d => d.contactId)
  const events = resolved.flatMap((event) => {
    const fanOut = event && !event.dealId && event.contactId ? dealsOfContact.get(event.contactId) : undefined
    if (!event) return []
    if (!fanOut?.length) return [event]
    return fanOut.map(d => ({ ...event, dealId: d.dealId, accountId: event.accountId ?? d.accountId }))
  })
  return { events, issues }
}
