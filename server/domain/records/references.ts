import { and, eq, inArray } from 'drizzle-orm'
import { accounts, contacts, users } from '../../../db/schema'
import type { Tx } from '../core/db'
import { badRequest } from '../core/errors'

/** 400 naming the field when a deal refers to an account, owner or contact the tenant does not have. */
export async function checkReferences(
  tx: Tx,
  tenantId: string,
  refs: { accountId?: string | null, ownerId?: string | null, contactIds?: readonly string[] },
) {
  if (refs.accountId) {
    const [found] = await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(eq(accounts.tenantId, tenantId), eq(accounts.id, refs.accountId)))
    if (!found) throw badRequest('accountId', 'no such account')
  }
  if (refs.ownerId) {
    const [owner] = await tx
      .select({ active: users.active })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.id, refs.ownerId)))
    if (!owner?.active) throw badRequest('ownerId', 'no such active user')
  }
  if (refs.contactIds?.length) {
    const found = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.tenantId, tenantId), inArray(contacts.id, [...refs.contactIds])))
    const missing = refs.contactIds.findIndex(id => !found.some(c => c.id === id))
    if (missing >= 0) throw badRequest(`contactIds.${missing}`, 'no such contact')
  }
}
