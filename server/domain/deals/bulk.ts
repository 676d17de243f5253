import { and, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import { deals } from '../../../db/schema'
import type { Actor } from '../core/actor'
import { savepoint, type Tx } from '../core/db'
import { DomainError } from '../core/errors'
import { publish } from '../events/bus'
import { checkReferences } from '../records/references'
import { audit } from '../tenancy/audit'
import { changeDealStage, updateDeal, type DealPatch } from './records'
import { TagsSchema } from './schemas'

export const MAX_BULK = 1000

export const BulkSetSchema = z.object({
  ownerId: z.uuid().optional(),
  stage: z.string().min(1).max(64).optional(),
  closeDate: z.iso.date('a date as YYYY-MM-DD').optional(),
  /** Replaces each deal's tags. */
  tags: TagsSchema.optional(),
}).strict().refine(set => Object.keys(set).length > 0, 'nothing to change')

export const BulkSchema = z.object({
  ids: z.array(z.uuid()).min(1, 'at least one deal').max(MAX_BULK, `at most ${MAX_BULK} deals at a time`),
  set: BulkSetSchema.optional(),
  delete: z.literal(true).optional(),
}).strict().superRefine((body, ctx) => {
  if ((body.set === undefined) === (body.delete === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['set'], message: 'either set or delete: true' })
  }
})

export type BulkInput = z.output<typeof BulkSchema>

export interface Refusal {
  id: string
  reason: string
  /** For a refused stage move: the stages the deal may move to. */
  allowed?: string[]
}

export interface BulkResult {
  updated: string[]
  refused: Refusal[]
}

/** What one refused row says: a stage the pipeline does not allow, or the error's message. Pure. */
export function refusalOf(id: string, error: unknown): Refusal {
  if (error instanceof DomainError) {
    const data = error.data as { error?: string, allowed?: string[], issues?: { path: string, message: string }[] } | undefined
    if (data?.error === 'invalid_transition') return { id, reason: 'stage move not allowed', allowed: data.allowed ?? [] }
    if (data?.issues?.length) return { id, reason: data.issues.map(i => `${i.path}: ${i.message}`).join('; ') }
    return { id, reason: error.statusMessage ?? 'refused' }
  }
  throw error
}

/**
 * Changes (owner, stage, close date, tags) or deletes many deals in one request. Each row is
 * applied whole or not at all, in its own savepoint: a row the stage machine refuses is reported
 * with the stages it may move to, and the others are applied. Ids the transaction cannot see are
 * refused as "not found". One audit entry for the request. The caller checks who may be assigned.
 */
export async function bulkDeals(tx: Tx, actor: Actor, input: BulkInput): Promise<BulkResult> {
  const ids = [...new Set(input.ids)]
  const visible = new Set((await tx.select({ id: deals.id }).from(deals)
    .where(and(eq(deals.tenantId, actor.tenantId), inArray(deals.id, ids)))).map(d => d.id))
  const refused: Refusal[] = ids.filter(id => !visible.has(id)).map(id => ({ id, reason: 'not found' }))
  const updated: string[] = []
  const set = input.set
  if (set?.ownerId) {
    await checkReferences(tx, actor.tenantId, { ownerId: set.ownerId }).catch((error: unknown) => {
      throw error instanceof DomainError
        ? new DomainError(400, 'validation', { issues: [{ path: 'set.ownerId', message: 'no such active user' }] })
        : error
    })
  }
  const patch: DealPatch = {}
  if (set?.ownerId) patch.ownerId = set.ownerId
  if (set?.closeDate) patch.closeDate = set.closeDate
  if (set?.tags) patch.tags = set.tags
  for (const id of ids.filter(i => visible.has(i))) {
    try {
      await savepoint(tx, async (sp) => {
        if (input.delete) {
          await sp.delete(deals).where(and(eq(deals.tenantId, actor.tenantId), eq(deals.id, id)))
          return
        }
        if (set?.stage) {
          const [current] = await sp
            .select({ stage: deals.stage })
            .from(deals)
            .where(and(eq(deals.tenantId, actor.tenantId), eq(deals.id, id)))
          if (current?.stage !== set.stage) await changeDealStage(sp, actor, id, { to: set.stage, closeDate: set.closeDate })
        }
        if (Object.keys(patch).length) await updateDeal(sp, actor, id, patch)
      })
      updated.push(id)
    }
    catch (error) {
      refused.push(refusalOf(id, error))
    }
  }
  // Deleted deals write no event: their screens hear it from the bus (150 ids a message, to fit).
  if (input.delete) {
    for (let i = 0; i < updated.length; i += 150) {
      await publish(tx, [{ tenantId: actor.tenantId, topic: 'deal.updated', data: { dealIds: updated.slice(i, i + 150), deleted: true } }])
    }
  }
  await audit(tx, actor, input.delete ? 'deals.bulk_deleted' : 'deals.bulk_updated', {
    targetType: 'deal',
    metadata: {
      requested: ids.length,
      updated: updated.length,
      refused: refused.length,
      ...(set ? { set } : {}),
      ids: updated.slice(0, 1000),
    },
  })
  return { updated, refused }
}
