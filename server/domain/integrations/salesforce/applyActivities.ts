import { accounts, contacts, deals } from '../../../../db/schema'
import type { Tx } from '../../core/db'
import { normalizeEvents } from '../../events/normalize'
import type { EventInput } from '../../events/schema'
import { writeEvents } from '../../events/write'
import { kindOfId, mapEvent, mapTask, type ActivityFields, type SfRecord } from './map'
import { emptyResult, idsByExternal, splitDeleted, type ApplyContext, type PageResult } from './refs'

/**
 * Tasks and Events -> events, through the one normalizer and the one writer, as every source
 * goes. WhoId names the contact, WhatId the opportunity or account (AccountId as a fallback); a
 * contact's activity without a deal lands on each of the contact's open deals (the
 * normalizer's rule). Keys `(salesforce, Task:<Id>)` make a re-read a no-op. Events are
 * append-only: an activity deleted in Salesforce stays here as what happened.
 */
export async function applyActivities(
  tx: Tx,
  ctx: ApplyContext,
  kind: 'Task' | 'Event',
  records: readonly SfRecord[],
): Promise<PageResult> {
  const result = emptyResult()
  const { live, deletedIds } = splitDeleted(records)
  result.skipped += deletedIds.length
  const mapped = live.map(r => (kind === 'Task' ? mapTask(r) : mapEvent(r, ctx.now)))
  const activities = mapped.filter((a): a is ActivityFields => a !== null)
  result.skipped += mapped.length - activities.length
  if (!activities.length) return result

  const refs = (want: 'contact' | 'deal' | 'account') =>
    activities.flatMap(a => [a.who, a.what, a.accountSfId].filter(id => kindOfId(id) === want))
  const contactIds = await idsByExternal(tx, ctx.tenantId, contacts, refs('contact'))
  const dealIds = await idsByExternal(tx, ctx.tenantId, deals, refs('deal'))
  const accountIds = await idsByExternal(tx, ctx.tenantId, accounts, refs('account'))

  const inputs: EventInput[] = []
  for (const a of activities) {
    const contactId = a.who ? contactIds.get(a.who) : undefined
    const dealId = a.what ? dealIds.get(a.what) : undefined
    const accountId = (a.what ? accountIds.get(a.what) : undefined) ?? (a.accountSfId ? accountIds.get(a.accountSfId) : undefined)
    if (!contactId && !dealId && !accountId) {
      result.skipped++ // about nothing this tenant has (a lead, a record not synced)
      continue
    }
    const owner = a.ownerSfId ? ctx.sfUsers.get(a.ownerSfId) : undefined
    inputs.push({
      type: a.type,
      occurredAt: a.occurredAt,
      source: 'salesforce',
      externalId: a.externalId,
      actor: owner?.email ? { email: owner.email.toLowerCase() } : {},
      subject: { contactId, dealId, accountId: dealId ? undefined : accountId },
      metadata: a.metadata,
    })
  }
  if (!inputs.length) return result
  const { events, issues } = await normalizeEvents(tx, ctx.tenantId, inputs)
  if (issues.length) throw new Error(`salesforce activities did not normalize: ${issues.map(i => `${i.path} ${i.message}`).join('; ')}`)
  const written = await writeEvents(tx, ctx.tenantId, events)
  result.created += written.inserted
  result.skipped += written.duplicates
  return result
}
