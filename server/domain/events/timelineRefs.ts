import { and, eq, inArray } from 'drizzle-orm'
import { contacts, deals, emailMessages, pipelineStages, users } from '../../../db/schema'
import type { TimelineRefs } from '../../../shared/types/timeline'
import type { Tx } from '../core/db'
import { isUuid } from '../core/paging'
import { parseMentions, resolveMentions } from '../notifications/mentions'

/** The parts of an event a timeline row names others by. */
export interface ReferringEvent {
  type: string
  actorUserId?: string | null
  dealId?: string | null
  contactId?: string | null
  metadata: Record<string, unknown>
}

export interface ReferencedIds {
  users: Set<string>
  contacts: Set<string>
  deals: Set<string>
  stages: Set<string>
  messages: Set<string>
  mentions: Set<string>
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null)
const uuidOf = (v: unknown) => (typeof v === 'string' && isUuid(v) ? v.toLowerCase() : null)
const MAX_ATTENDEES = 50

/** A Message-ID as email_messages keeps it: without its angle brackets (`refs.messages` is keyed so too). Pure. */
export const bareMessageId = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().replace(/^<|>$/g, '') || null : null)

/** A meeting's attendees as contact ids: `attendeeIds` (the app, the demo), only well-formed ids. Pure. */
export function attendeeIdsOf(metadata: Record<string, unknown>): string[] {
  const list = Array.isArray(metadata.attendeeIds) ? metadata.attendeeIds.slice(0, MAX_ATTENDEES) : []
  return [...new Set(list.map(uuidOf).filter((id): id is string => id !== null))]
}

/**
 * Every id, stage key, message id and mention a page of events refers to. Metadata comes from
 * outside (the ingestion API takes any), so ids are kept only when they are well-formed. Pure.
 */
export function referencedIds(events: readonly ReferringEvent[]): ReferencedIds {
  const ids: ReferencedIds = {
    users: new Set(), contacts: new Set(), deals: new Set(), stages: new Set(), messages: new Set(), mentions: new Set(),
  }
  const add = (set: Set<string>, v: string | null) => v && set.add(v)
  for (const e of events) {
    const m = e.metadata ?? {}
    add(ids.users, uuidOf(e.actorUserId))
    add(ids.deals, uuidOf(e.dealId))
    add(ids.contacts, uuidOf(e.contactId))
    if (e.type === 'stage_changed') {
      add(ids.stages, text(m.from))
      add(ids.stages, text(m.to))
      add(ids.users, uuidOf(m.by))
    }
    if (e.type === 'deal_created') {
      add(ids.stages, text(m.stage))
      add(ids.users, uuidOf(m.ownerId))
    }
    if (e.type === 'deal_updated' && m.changes && typeof m.changes === 'object') {
      const owner = (m.changes as Record<string, { from?: unknown, to?: unknown } | undefined>).ownerId
      add(ids.users, uuidOf(owner?.from))
      add(ids.users, uuidOf(owner?.to))
    }
    if (e.type.startsWith('meeting_')) for (const id of attendeeIdsOf(m)) ids.contacts.add(id)
    if (e.type.startsWith('email_') && !text(m.subject)) add(ids.messages, bareMessageId(m.messageId))
    if (e.type === 'note' && text(m.body)) for (const mention of parseMentions(String(m.body))) ids.mentions.add(mention)
  }
  return ids
}

/**
 * The names a page of events refers to, in a handful of queries rather than one per row. They are
 * read in the caller's transaction, so row-level security leaves out every contact, deal and
 * message the caller may not see: a name the caller could not look up is never in the answer.
 */
export async function timelineRefs(tx: Tx, tenantId: string, events: readonly ReferringEvent[]): Promise<TimelineRefs> {
  const ids = referencedIds(events)
  const refs: TimelineRefs = { users: {}, contacts: {}, deals: {}, stages: {}, messages: {}, mentions: {} }

  if (ids.mentions.size) {
    const people = await tx.select({ id: users.id, name: users.name, email: users.email }).from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.active, true)))
    for (const mention of ids.mentions) {
      const [person] = resolveMentions([mention], people)
      if (!person) continue
      refs.mentions[mention] = person.id
      ids.users.add(person.id)
    }
  }
  if (ids.users.size) {
    const rows = await tx.select({ id: users.id, name: users.name }).from(users)
      .where(and(eq(users.tenantId, tenantId), inArray(users.id, [...ids.users])))
    for (const u of rows) refs.users[u.id] = u.name
  }
  if (ids.contacts.size) {
    const rows = await tx.select({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName }).from(contacts)
      .where(and(eq(contacts.tenantId, tenantId), inArray(contacts.id, [...ids.contacts])))
    for (const c of rows) refs.contacts[c.id] = `${c.firstName} ${c.lastName}`.trim()
  }
  if (ids.deals.size) {
    const rows = await tx.select({ id: deals.id, name: deals.name, currency: deals.currency }).from(deals)
      .where(and(eq(deals.tenantId, tenantId), inArray(deals.id, [...ids.deals])))
    for (const d of rows) refs.deals[d.id] = { name: d.name, currency: d.currency }
  }
  if (ids.stages.size) {
    const rows = await tx.select({ key: pipelineStages.key, name: pipelineStages.name }).from(pipelineStages)
      .where(and(eq(pipelineStages.tenantId, tenantId), inArray(pipelineStages.key, [...ids.stages])))
    for (const s of rows) refs.stages[s.key] = s.name
  }
  if (ids.messages.size) {
    const rows = await tx
      .select({
        messageId: emailMessages.messageId, subject: emailMessages.subject, from: emailMessages.fromAddress, to: emailMessages.toAddress,
      })
      .from(emailMessages)
      .where(and(eq(emailMessages.tenantId, tenantId), inArray(emailMessages.messageId, [...ids.messages])))
    for (const { messageId, ...message } of rows) refs.messages[messageId] = message
  }
  return refs
}
