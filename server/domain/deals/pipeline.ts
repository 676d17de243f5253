import { and, eq, inArray, sql } from 'drizzle-orm'
import type { z } from 'zod'
import { deals, pipelineStages } from '../../../db/schema'
import type { Tx } from '../core/db'
import { DomainError, invalidInput } from '../core/errors'
import { publish } from '../events/bus'
import type { StageSchema } from './schemas'
import type { StageDefinition } from './stages'

type StageInput = z.output<typeof StageSchema>

/** A stage's kind when not given: closed is won, omitted at 0% is lost, anything else open. */
const kindOf = (s: StageInput) => s.kind ?? (s.forecastCategory === 'closed' ? 'won' : s.forecastCategory === 'omitted' ? 'lost' : 'open')

/**
 * Checks a whole pipeline and answers it as stored stages, or the problems by path. Pure.
 * Keys are unique, moves name stages of the pipeline, and there is an open, a won and a lost stage.
 */
export function checkPipeline(input: readonly StageInput[]): { stages: StageDefinition[], issues: { path: string, message: string }[] } {
  const issues: { path: string, message: string }[] = []
  const keys = new Set<string>()
  input.forEach((stage, i) => {
    if (keys.has(stage.key)) issues.push({ path: `stages.${i}.key`, message: `${stage.key} appears twice` })
    keys.add(stage.key)
  })
  input.forEach((stage, i) => stage.allowedNext.forEach((next, j) => {
    if (!keys.has(next)) issues.push({ path: `stages.${i}.allowedNext.${j}`, message: `no stage ${next}` })
    else if (next === stage.key) issues.push({ path: `stages.${i}.allowedNext.${j}`, message: 'a stage cannot move to itself' })
  }))
  const stages = [...input]
    .sort((a, b) => a.order - b.order)
    .map((s, i) => ({
      key: s.key,
      name: s.name,
      position: i + 1,
      probability: s.probability,
      forecastCategory: s.forecastCategory,
      kind: kindOf(s),
      allowedNext: [...new Set(s.allowedNext)],
    }))
  for (const kind of ['open', 'won', 'lost'] as const) {
    if (!stages.some(s => s.kind === kind)) issues.push({ path: 'stages', message: `the pipeline needs a ${kind} stage` })
  }
  return { stages, issues }
}

/** Replaces the tenant's pipeline; refused (409) while deals sit in a stage it would remove. */
export async function replacePipeline(tx: Tx, tenantId: string, input: readonly StageInput[]) {
  const { stages, issues } = checkPipeline(input)
  if (issues.length) throw invalidInput(issues)
  const removed = (await tx.select({ key: pipelineStages.key }).from(pipelineStages).where(eq(pipelineStages.tenantId, tenantId)))
    .map(s => s.key).filter(key => !stages.some(s => s.key === key))
  if (removed.length) {
    const inUse = await tx.select({ stage: deals.stage, n: sql<number>`count(*)::int` }).from(deals)
      .where(and(eq(deals.tenantId, tenantId), inArray(deals.stage, removed))).groupBy(deals.stage)
    if (inUse.length)
      throw new DomainError(409, 'deals are still in stages this would remove: move them first', { error: 'stage_in_use', stages: inUse })
  }
  await tx.delete(pipelineStages).where(eq(pipelineStages.tenantId, tenantId))
  await tx.insert(pipelineStages).values(stages.map(s => ({ ...s, tenantId })))
  await publish(tx, [{ tenantId, topic: 'pipeline.changed', data: {} }])
  return stages
}

/** Stages as the API shows them (`order` rather than the column's name). */
export const stageView = (s: StageDefinition) => ({
  key: s.key,
  name: s.name,
  order: s.position,
  probability: s.probability,
  forecastCategory: s.forecastCategory,
  kind: s.kind,
  allowedNext: s.allowedNext,
})
