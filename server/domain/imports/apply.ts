import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { accounts, contacts, deals } from '../../../db/schema'
import { distinct, sameJson } from '../../../shared/utils/collections'
import type { Tx } from '../core/db'
import { normalizeEvents } from '../events/normalize'
import type { EventInput } from '../events/schema'
import { lowerName, resolveAccounts, resolveOwners, type ImportRun } from './resolve'
import { writeEvents } from '../events/write'
import type { AccountRow, ContactRow, EventRowInput } from './parse'

/**
 * The writers of a CSV import, one batch at a time in the caller's transaction, set-wise: one
 * query per kind of reference for the whole batch, multi-row inserts for new records. Records
 * are matched by their external id (else by name or email), so a second run of the same file
 * finds everything and changes nothing.
 */

export interface Numbered<T> { row: number, value: T }
export interface BatchResult { created: number, updated: number, skipped: number, errors: { row: number, message: string }[] }

export const emptyResult = (): BatchResult => ({ created: 0, updated: 0, skipped: 0, errors: [] })

/** A batch's rows, and the user id of each one's owner (resolveOwners). */
export async function rowsWithOwners<T extends { ownerEmail: string | null, ownerName: string | null }>(
  tx: Tx,
  run: ImportRun,
  batch: readonly Numbered<T>[],
) {
  const rows = batch.map(b => b.value)
  return { rows, ownerIds: await resolveOwners(tx, run, rows) }
}

/** Updates each row's record (`find`) where a field of `nextOf` differs, else counts a skip; answers the rows with none, to create. */
async function updateFound<R, E, N extends Partial<E>>(
  rows: readonly R[],
  result: BatchResult,
  find: (row: R) => E | undefined,
  nextOf: (row: R, record: E, i: number) => N,
  update: (record: E, next: N) => Promise<unknown>,
): Promise<number[]> {
  const fresh: number[] = []
  for (const [i, row] of rows.entries()) {
    const record = find(row)
    if (!record) {
      fresh.push(i)
      continue
    }
    const next = nextOf(row, record, i)
    if ((Object.keys(next) as (keyof N & keyof E)[]).every(k => sameJson(record[k], next[k]))) {
      result.skipped++
      continue
    }
    await update(record, next)
    result.updated++
  }
  return fresh
}

/** What every record an import creates has besides its own fields: owner, source, external id, custom fields, timestamps. */
const importedFields = (row: { externalId: string | null, custom: Record<string, unknown> }, ownerId: string, now: Date) =>
  ({ ownerId, source: 'import', externalId: row.externalId, custom: row.custom, createdAt: now, updatedAt: now })

export async function applyAccounts(
  tx: Tx,
  run: ImportRun,
  batch: readonly Numbered<AccountRow>[],
  now = new Date(),
): Promise<BatchResult> {
  const result = emptyResult()
  if (!batch.length) return result
  const { rows, ownerIds } = await rowsWithOwners(tx, run, batch)
  const externalIds = distinct(rows.map(r => r.externalId))
  const existing = await tx
    .select()
    .from(accounts)
    .where(
      and(
        eq(accounts.tenantId, run.tenantId),
        sql`(${accounts.externalId} in ${externalIds.length ? externalIds : ['']}
      or (${accounts.externalId} is null and lower(${accounts.name}) in ${rows.map(r => lowerName(r.name))}))`,
      ),
    )
    .orderBy(asc(accounts.createdAt))
  const find = (row: AccountRow) =>
    row.externalId
      ? (existing.find(a => a.externalId === row.externalId)
        ?? existing.find(a => !a.externalId && lowerName(a.name) === lowerName(row.name)))
      : existing.find(a => lowerName(a.name) === lowerName(row.name))
  const fresh = await updateFound(
    rows,
    result,
    find,
    (row, account, i) => ({
      name: row.name,
      domain: row.domain ?? account.domain,
      industry: row.industry ?? account.industry,
      ownerId: ownerIds[i]!,
      externalId: row.externalId ?? account.externalId,
      custom: { ...account.custom, ...row.custom },
    }),
    (account, next) => tx.update(accounts).set({ ...next, updatedAt: now })
      .where(and(eq(accounts.tenantId, run.tenantId), eq(accounts.id, account.id))),
  )
  if (fresh.length) {
    const created = await tx
      .insert(accounts)
      .values(
        fresh.map(i => ({
          tenantId: run.tenantId,
          name: rows[i]!.name,
          domain: rows[i]!.domain,
          industry: rows[i]!.industry,
          ...importedFields(rows[i]!, ownerIds[i]!, now),
        })),
      )
      .returning({ id: accounts.id, name: accounts.name })
    for (const a of created) run.accounts.set(lowerName(a.name), a.id)
    result.created += created.length
  }
  return result
}

export async function applyContacts(
  tx: Tx,
  run: ImportRun,
  batch: readonly Numbered<ContactRow>[],
  now = new Date(),
): Promise<BatchResult> {
  const result = emptyResult()
  if (!batch.length) return result
  const { rows, ownerIds } = await rowsWithOwners(tx, run, batch)
  const accountIds = await resolveAccounts(tx, run, rows.map(r => r.accountName), ownerIds, now)
  const externalIds = distinct(rows.map(r => r.externalId))
  const emails = distinct(rows.map(r => r.email))
  const existing = await tx
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.tenantId, run.tenantId),
        sql`(${contacts.externalId} in ${externalIds.length ? externalIds : ['']}
      or lower(${contacts.email}) in ${emails.length ? emails : ['']})`,
      ),
    )
    .orderBy(asc(contacts.createdAt))
  const find = (row: ContactRow) =>
    (row.externalId ? existing.find(c => c.externalId === row.externalId) : undefined)
    ?? (row.email ? existing.find(c => c.email?.toLowerCase() === row.email && (!row.externalId || !c.externalId)) : undefined)
  const fresh = await updateFound(
    rows,
    result,
    find,
    (row, contact, i) => ({
      firstName: row.firstName,
      lastName: row.lastName || contact.lastName,
      email: row.email ?? contact.email,
      phone: row.phone ?? contact.phone,
      title: row.title ?? contact.title,
      accountId: accountIds[i] ?? contact.accountId,
      ownerId: ownerIds[i]!,
      externalId: row.externalId ?? contact.externalId,
      custom: { ...contact.custom, ...row.custom },
    }),
    (contact, next) => tx.update(contacts).set({ ...next, updatedAt: now })
      .where(and(eq(contacts.tenantId, run.tenantId), eq(contacts.id, contact.id))),
  )
  if (fresh.length) {
    await tx.insert(contacts).values(
      fresh.map(i => ({
        tenantId: run.tenantId,
        firstName: rows[i]!.firstName,
        lastName: rows[i]!.lastName,
        email: rows[i]!.email,
        phone: rows[i]!.phone,
        title: rows[i]!.title,
        accountId: accountIds[i]!,
        ...importedFields(rows[i]!, ownerIds[i]!, now),
      })),
    )
    result.created += fresh.length
  }
  return result
}

/**
 * Events go through the same normalizer as the ingestion API (contacts by email, fan-out to a
 * contact's open deals) and the one writer; `(import, externalId)` makes a second run a no-op.
 */
export async function applyEvents(tx: Tx, run: ImportRun, batch: readonly Numbered<EventRowInput>[]): Promise<BatchResult> {
  const result = emptyResult()
  if (!batch.length) return result
  const rows = batch.map(b => b.value)
  const dealRefs = distinct(rows.map(r => r.dealExternalId))
  const knownDeals = dealRefs.length
    ? await tx
        .select({ id: deals.id, externalId: deals.externalId })
        .from(deals)
        .where(and(eq(deals.tenantId, run.tenantId), inArray(deals.externalId, dealRefs)))
    : []
  const dealOf = new Map(knownDeals.map(d => [d.externalId!, d.id]))
  const accountNames = distinct(rows.map(r => (r.accountName ? lowerName(r.accountName) : null)))
  const knownAccounts = accountNames.length
    ? await tx
        .select({ id: accounts.id, name: sql<string>`lower(${accounts.name})` })
        .from(accounts)
        .where(and(eq(accounts.tenantId, run.tenantId), inArray(sql`lower(${accounts.name})`, accountNames)))
    : []
  const accountOf = new Map(knownAccounts.map(a => [a.name, a.id]))

  let pending: { row: number, input: EventInput }[] = []
  for (const [i, r] of rows.entries()) {
    const dealId = r.dealExternalId ? dealOf.get(r.dealExternalId) : undefined
    if (r.dealExternalId && !dealId) {
      result.errors.push({ row: batch[i]!.row, message: `no deal has the external id "${r.dealExternalId}"` })
      continue
    }
    const accountId = r.accountName ? accountOf.get(lowerName(r.accountName)) : undefined
    if (r.accountName && !accountId && !dealId && !r.contactEmail) {
      result.errors.push({ row: batch[i]!.row, message: `no account is named "${r.accountName}"` })
      continue
    }
    pending.push({
      row: batch[i]!.row,
      input: {
        type: r.type, occurredAt: r.occurredAt, source: 'import', externalId: r.externalId,
        actor: r.actorEmail ? { email: r.actorEmail } : {},
        subject: { dealId, accountId, email: r.contactEmail ?? undefined },
        metadata: r.metadata,
      },
    })
  }
  // Rows whose references do not resolve become row errors; the rest are normalized again.
  for (let attempt = 0; attempt < 2 && pending.length; attempt++) {
    const { events, issues } = await normalizeEvents(tx, run.tenantId, pending.map(p => p.input))
    if (!issues.length) {
      const written = await writeEvents(tx, run.tenantId, events)
      result.created += written.inserted
      result.skipped += written.duplicates
      return result
    }
    const bad = new Set(issues.map(i => i.index))
    for (const issue of issues) result.errors.push({ row: pending[issue.index]!.row, message: `${issue.path}: ${issue.message}` })
    pending = pending.filter((_, i) => !bad.has(i))
  }
  return result
}
