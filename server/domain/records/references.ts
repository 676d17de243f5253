import { and, eq, inArray } from 'drizzle-orm'
import type { deals } from '../../../db/schema'
import { accounts, contacts, users } from '../../../db/schema'
import type { Tx } from '../core/db'
import { badRequest } from '../core/errors'

/** 400 `field: no such <what>` unless the tenant has the account, contact or deal with this id (no id: nothing to check). */
export async function checkRecord(
  tx: Tx,
  tenantId: string,
  table: typeof accounts | typeof contacts | typeof deals,
  id: string | null | undefined,
  field: string,
  what: string,
) {
  if (!id) return
  const [found] = await tx
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.tenantId, tenantId), eq(table.id, id)))
  if (!found) throw badRequest(field, `no such ${what}`)
}

/** 400 `field: no such active user` unless the tenant has this user and they are active (no id: nothing to check). */
export async function checkActiveUser(tx: Tx, tenantId: string, id: string | null | undefined, field: string) {
  if (!id) return
  const [user] = await tx
    .select({ active: users.active })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
  if (!user?.active) throw badRequest(field, 'no such active user')
}

/** 400 naming the field when a deal refers to an account, owner or contact the tenant does not have. */
export async function checkReferences(
  tx: Tx,
  tenantId: string,
  refs: { accountId?: string | null, ownerId?: string | null, contactIds?: readonly string[] },
) {
  await checkRecord(tx, tenantId, accounts, refs.accountId, 'accountId', 'account')
  await checkActiveUser(tx, tenantId, refs.ownerId, 'ownerId')
  if (refs.contactIds?.length) {
    const found = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.tenantId, tenantId), inArray(contacts.id, [...refs.contactIds])))
    const missing = refs.contactIds.findIndex(id => !found.some(c => c.id === id))
    if (missing >= 0) throw badRequest(`contactIds.${missing}`, 'no such contact')
  }
}
