import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { accounts, contacts } from '../../../db/schema'
import { distinct } from '../../../shared/utils/collections'
import type { Tx } from '../core/db'
import { ownerKey, resolveOwnerIds } from '../records/owners'

/**
 * What an import's rows refer to, resolved set-wise for a batch and remembered for the run:
 * owners (by email or name), accounts (by name) and contacts (by email), created when missing.
 */

/** State that lives for one import run: who imports, the plan's limit, and lookups already made. */
export interface ImportRun {
  tenantId: string
  userId: string
  /** The plan's open-deal limit, `null` for none. */
  openDealLimit: number | null
  owners: Map<string, string>
  accounts: Map<string, string>
}

export const newRun = (tenantId: string, userId: string, openDealLimit: number | null): ImportRun =>
  ({ tenantId, userId, openDealLimit, owners: new Map(), accounts: new Map() })

/** A name as names are matched: trimmed, any case. Pure. */
export const lowerName = (name: string) => name.trim().toLowerCase()

/**
 * The user id for each row's owner (records/owners.ts: by email, else by name; an unknown owner
 * is added as an inactive user). No owner in the row: the importing user.
 */
export async function resolveOwners(
  tx: Tx,
  run: ImportRun,
  rows: readonly { ownerEmail: string | null, ownerName: string | null }[],
): Promise<string[]> {
  const refs = rows.map(r => ({ email: r.ownerEmail, name: r.ownerName }))
  await resolveOwnerIds(tx, run.tenantId, refs, run.owners)
  return refs.map(r => run.owners.get(ownerKey(r) ?? '') ?? run.userId)
}

/** The account id for each name (any case), creating the accounts the tenant does not have yet. */
export async function resolveAccounts(
  tx: Tx,
  run: ImportRun,
  names: readonly (string | null)[],
  ownerIds: readonly string[],
  now: Date,
): Promise<(string | null)[]> {
  const wanted = distinct(names.map(n => (n ? lowerName(n) : null))).filter(n => !run.accounts.has(n))
  if (wanted.length) {
    const found = await tx
      .select({ id: accounts.id, name: sql<string>`lower(${accounts.name})` })
      .from(accounts)
      .where(and(eq(accounts.tenantId, run.tenantId), inArray(sql`lower(${accounts.name})`, wanted)))
      .orderBy(asc(accounts.createdAt))
    for (const a of found.toReversed()) run.accounts.set(a.name, a.id)
    const missing = wanted.filter(n => !run.accounts.has(n))
    if (missing.length) {
      const first = new Map<string, { name: string, ownerId: string }>()
      names.forEach((n, i) => {
        if (n && !first.has(lowerName(n))) first.set(lowerName(n), { name: n.trim(), ownerId: ownerIds[i]! })
      })
      const created = await tx
        .insert(accounts)
        .values(
          missing.map(n => ({
            tenantId: run.tenantId,
            name: first.get(n)!.name,
            ownerId: first.get(n)!.ownerId,
            source: 'import',
            createdAt: now,
            updatedAt: now,
          })),
        )
        .returning({ id: accounts.id, name: accounts.name })
      for (const a of created) run.accounts.set(lowerName(a.name), a.id)
    }
  }
  return names.map(n => (n ? (run.accounts.get(lowerName(n)) ?? null) : null))
}

/** The contact id for each email, creating a contact (on the given account) for an unknown one. */
export async function resolveContacts(
  tx: Tx,
  run: ImportRun,
  wanted: readonly { email: string | null, accountId: string | null, ownerId: string }[],
  now: Date,
) {
  const emails = distinct(wanted.map(w => w.email))
  const byEmail = new Map<string, string>()
  if (!emails.length) return wanted.map(() => null)
  const found = await tx
    .select({ id: contacts.id, email: sql<string>`lower(${contacts.email})` })
    .from(contacts)
    .where(and(eq(contacts.tenantId, run.tenantId), inArray(sql`lower(${contacts.email})`, emails)))
    .orderBy(asc(contacts.createdAt))
  for (const c of found.toReversed()) byEmail.set(c.email, c.id)
  const missing = emails.filter(e => !byEmail.has(e))
  if (missing.length) {
    const created = await tx
      .insert(contacts)
      .values(
        missing.map((email) => {
          const w = wanted.find(x => x.email === email)!
          return {
            tenantId: run.tenantId,
            email,
            firstName: email.split('@')[0]!,
            accountId: w.accountId,
            ownerId: w.ownerId,
            source: 'import',
            createdAt: now,
            updatedAt: now,
          }
        }),
      )
      .returning({ id: contacts.id, email: contacts.email })
    for (const c of created) byEmail.set(c.email!, c.id)
  }
  return wanted.map(w => (w.email ? (byEmail.get(w.email) ?? null) : null))
}
