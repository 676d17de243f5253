import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm'
import { accounts, contacts, dealContacts, deals } from '../../../../db/schema'
import type { Tx } from '../../core/db'
import { mapAccount, mapContact, mapContactRole, type SfRecord } from './map'
import { distinct, sameJson } from '../../../../shared/utils/collections'
import { emptyResult, idsByExternal, ownerOf, resolveOwners, splitDeleted, type ApplyContext, type PageResult } from './refs'

/**
 * The writers of accounts, contacts and opportunity contact roles: one page at a time in the
 * caller's transaction, set-wise reads, multi-row inserts; a row is updated only when a mapped
 * field differs, so a page read again changes nothing.
 */

export async function applyAccounts(tx: Tx, ctx: ApplyContext, records: readonly SfRecord[]): Promise<PageResult> {
  const result = emptyResult()
  const { live, deletedIds } = splitDeleted(records)
  const rows = live.map(mapAccount)
  const owners = await resolveOwners(tx, ctx, rows.map(r => r.ownerSfId))
  const ids = await idsByExternal(tx, ctx.tenantId, accounts, records.map(r => r.Id))
  const existing = ids.size
    ? await tx
        .select()
        .from(accounts)
        .where(and(eq(accounts.tenantId, ctx.tenantId), inArray(accounts.id, [...ids.values()])))
    : []
  const byId = new Map(existing.map(a => [a.id, a]))
  const fresh: typeof rows = []
  for (const row of rows) {
    const current = byId.get(ids.get(row.externalId) ?? '')
    if (!current) {
      fresh.push(row)
      continue
    }
    const next = { name: row.name, domain: row.domain, industry: row.industry, ownerId: ownerOf(owners, ctx, row.ownerSfId) }
    if ((Object.keys(next) as (keyof typeof next)[]).every(k => sameJson(current[k], next[k]))) {
      result.skipped++
      continue
    }
    await tx
      .update(accounts)
      .set({ ...next, updatedAt: ctx.now })
      .where(and(eq(accounts.tenantId, ctx.tenantId), eq(accounts.id, current.id)))
    result.updated++
  }
  if (fresh.length) {
    await tx.insert(accounts).values(fresh.map(r => ({
      tenantId: ctx.tenantId, name: r.name, domain: r.domain, industry: r.industry, ownerId: ownerOf(owners, ctx, r.ownerSfId),
      source: 'salesforce', externalId: r.externalId, createdAt: ctx.now, updatedAt: ctx.now,
    })))
    result.created += fresh.length
  }
  const gone = distinct(deletedIds.map(id => ids.get(id)))
  if (gone.length) {
    // As deleteAccount does: the account's deals and contacts stay, detached.
    await tx
      .update(deals)
      .set({ accountId: null, updatedAt: ctx.now })
      .where(and(eq(deals.tenantId, ctx.tenantId), inArray(deals.accountId, gone)))
    await tx
      .update(contacts)
      .set({ accountId: null, updatedAt: ctx.now })
      .where(and(eq(contacts.tenantId, ctx.tenantId), inArray(contacts.accountId, gone)))
    await tx.delete(accounts).where(and(eq(accounts.tenantId, ctx.tenantId), inArray(accounts.id, gone)))
  }
  result.deleted += gone.length
  result.skipped += deletedIds.length - gone.length
  return result
}

export async function applyContacts(tx: Tx, ctx: ApplyContext, records: readonly SfRecord[]): Promise<PageResult> {
  const result = emptyResult()
  const { live, deletedIds } = splitDeleted(records)
  const rows = live.map(mapContact)
  const owners = await resolveOwners(tx, ctx, rows.map(r => r.ownerSfId))
  const accountIds = await idsByExternal(tx, ctx.tenantId, accounts, rows.map(r => r.accountSfId))
  const ids = await idsByExternal(tx, ctx.tenantId, contacts, records.map(r => r.Id))
  // A contact made here before (no external id) with the same email is the same person: claim it.
  const emails = distinct(rows.filter(r => !ids.has(r.externalId)).map(r => r.email))
  const unclaimed = emails.length
    ? await tx
        .select({ id: contacts.id, email: sql<string>`lower(${contacts.email})` })
        .from(contacts)
        .where(and(eq(contacts.tenantId, ctx.tenantId), isNull(contacts.externalId), inArray(sql`lower(${contacts.email})`, emails)))
        .orderBy(asc(contacts.createdAt))
    : []
  const claim = new Map<string, string>()
  for (const c of unclaimed) if (!claim.has(c.email)) claim.set(c.email, c.id)
  const known = distinct([...ids.values(), ...claim.values()])
  const existing = known.length
    ? await tx
        .select()
        .from(contacts)
        .where(and(eq(contacts.tenantId, ctx.tenantId), inArray(contacts.id, known)))
    : []
  const byId = new Map(existing.map(c => [c.id, c]))
  const fresh: typeof rows = []
  for (const row of rows) {
    const current = byId.get(ids.get(row.externalId) ?? (row.email ? claim.get(row.email) ?? '' : ''))
    if (!current) {
      fresh.push(row)
      continue
    }
    if (row.email) claim.delete(row.email)
    const next = {
      firstName: row.firstName,
      lastName: row.lastName,
      email: row.email,
      phone: row.phone,
      title: row.title,
      accountId: row.accountSfId ? (accountIds.get(row.accountSfId) ?? null) : null,
      ownerId: ownerOf(owners, ctx, row.ownerSfId),
      externalId: row.externalId,
    }
    if (current.erasedAt || (Object.keys(next) as (keyof typeof next)[]).every(k => sameJson(current[k], next[k]))) {
      result.skipped++ // an erased person's data is not brought back
      continue
    }
    await tx
      .update(contacts)
      .set({ ...next, updatedAt: ctx.now })
      .where(and(eq(contacts.tenantId, ctx.tenantId), eq(contacts.id, current.id)))
    result.updated++
  }
  if (fresh.length) {
    await tx.insert(contacts).values(fresh.map(r => ({
      tenantId: ctx.tenantId, firstName: r.firstName, lastName: r.lastName, email: r.email, phone: r.phone, title: r.title,
      accountId: r.accountSfId ? accountIds.get(r.accountSfId) ?? null : null, ownerId: ownerOf(owners, ctx, r.ownerSfId),
      source: 'salesforce', externalId: r.externalId, createdAt: ctx.now, updatedAt: ctx.now,
    })))
    result.created += fresh.length
  }
  const gone = distinct(deletedIds.map(id => ids.get(id)))
  if (gone.length) await tx.delete(contacts).where(and(eq(contacts.tenantId, ctx.tenantId), inArray(contacts.id, gone)))
  result.deleted += gone.length
  result.skipped += deletedIds.length - gone.length
  return result
}

/** OpportunityContactRole -> the deal's buying committee (`deal_contacts`, with the role). */
export async function applyContactRoles(tx: Tx, ctx: ApplyContext, records: readonly SfRecord[]): Promise<PageResult> {
  const result = emptyResult()
  const rows = records.map(r => ({ ...mapContactRole(r), deleted: r.IsDeleted === true }))
  const dealIds = await idsByExternal(tx, ctx.tenantId, deals, rows.map(r => r.dealSfId))
  const contactIds = await idsByExternal(tx, ctx.tenantId, contacts, rows.map(r => r.contactSfId))
  const links = rows.map(r => ({ ...r, dealId: dealIds.get(r.dealSfId ?? ''), contactId: contactIds.get(r.contactSfId ?? '') }))
  const pairs = links.filter(l => l.dealId && l.contactId)
  result.skipped += links.length - pairs.length
  const existing = pairs.length
    ? await tx
        .select()
        .from(dealContacts)
        .where(and(eq(dealContacts.tenantId, ctx.tenantId), inArray(dealContacts.dealId, distinct(pairs.map(p => p.dealId)))))
    : []
  const current = new Map(existing.map(e => [`${e.dealId}:${e.contactId}`, e]))
  for (const link of pairs) {
    const key = `${link.dealId}:${link.contactId}`
    const found = current.get(key)
    const where = and(
      eq(dealContacts.tenantId, ctx.tenantId),
      eq(dealContacts.dealId, link.dealId!),
      eq(dealContacts.contactId, link.contactId!),
    )
    if (link.deleted) {
      if (found) {
        await tx.delete(dealContacts).where(where)
        current.delete(key)
        result.deleted++
      }
      else result.skipped++
    }
    else if (!found) {
      await tx
        .insert(dealContacts)
        .values({ tenantId: ctx.tenantId, dealId: link.dealId!, contactId: link.contactId!, role: link.role, createdAt: ctx.now })
        .onConflictDoNothing()
      current.set(key, { tenantId: ctx.tenantId, dealId: link.dealId!, contactId: link.contactId!, role: link.role, createdAt: ctx.now })
      result.created++
    }
    else if (found.role !== link.role) {
      await tx.update(dealContacts).set({ role: link.role }).where(where)
      found.role = link.role
      result.updated++
    }
    else result.skipped++
  }
  return result
}
