import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { accounts, contacts, deals } from '../../../../db/schema'
import { distinct } from '../../../../shared/utils/collections'
import type { Tx } from '../../core/db'
import type { StageDefinition } from '../../deals/stages'
import { ownerKey, resolveOwnerIds } from '../../records/owners'
import type { SfRecord } from './map'

/** What a page's writers need besides the page: the tenant, its pipeline, owners, the clock. */
export interface ApplyContext {
  tenantId: string
  stageMap: Readonly<Record<string, string>>
  stages: readonly StageDefinition[]
  /** Owner of records whose Salesforce owner is unknown: the admin who connected the org. */
  fallbackOwnerId: string
  /** Salesforce users read so far in this run, by Id (from Salesforce, so safe to keep across pages). */
  sfUsers: Map<string, { email: string | null, name: string | null }>
  now: Date
}

export interface PageResult { created: number, updated: number, deleted: number, skipped: number }
export const emptyResult = (): PageResult => ({ created: 0, updated: 0, deleted: 0, skipped: 0 })

/** A page split into live records and the Ids Salesforce deleted (queryAll shows them with IsDeleted). */
export function splitDeleted(records: readonly SfRecord[]) {
  return { live: records.filter(r => r.IsDeleted !== true), deletedIds: records.filter(r => r.IsDeleted === true).map(r => r.Id) }
}

type Keyed = typeof accounts | typeof contacts | typeof deals

/**
 * Our ids for Salesforce Ids, matched by external id whatever the record's source (a CSV import
 * of a Salesforce export carries the same ids), preferring the rows this sync wrote.
 */
export async function idsByExternal(
  tx: Tx,
  tenantId: string,
  table: Keyed,
  externalIds: readonly (string | null)[],
): Promise<Map<string, string>> {
  const wanted = distinct(externalIds)
  if (!wanted.length) return new Map()
  const rows = await tx
    .select({ id: table.id, externalId: table.externalId })
    .from(table)
    .where(and(eq(table.tenantId, tenantId), inArray(table.externalId, wanted)))
    .orderBy(sql`(${table.source} = 'salesforce') desc`, asc(table.createdAt))
  const found = new Map<string, string>()
  for (const r of rows) if (!found.has(r.externalId!)) found.set(r.externalId!, r.id)
  return found
}

/**
 * Our user for each Salesforce owner, by email (records/owners.ts, which the CSV import uses
 * too): an owner nobody here has is added as an inactive user with their Salesforce name and
 * email, so the records keep their owner; no owner, or one without an email: the connecting admin.
 */
export async function resolveOwners(tx: Tx, ctx: ApplyContext, ownerSfIds: readonly (string | null)[]): Promise<Map<string, string>> {
  const people = distinct(ownerSfIds).flatMap((id) => {
    const user = ctx.sfUsers.get(id)
    return user?.email ? [{ id, ref: { email: user.email, name: user.name } }] : []
  })
  const found = await resolveOwnerIds(tx, ctx.tenantId, people.map(p => p.ref))
  return new Map(people.map(p => [p.id, found.get(ownerKey(p.ref)!) ?? ctx.fallbackOwnerId]))
}

export const ownerOf = (owners: Map<string, string>, ctx: ApplyContext, sfId: string | null) =>
  (sfId ? owners.get(sfId) : undefined) ?? ctx.fallbackOwnerId
