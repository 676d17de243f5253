import { and, asc, desc, eq } from 'drizzle-orm'
import type { z } from 'zod'
import { automationRules, automationRuns, deals, pipelineStages, sequences, users, webhookSubscriptions } from '../../../db/schema'
import type { Tx } from '../core/db'
import { badRequest, notFound } from '../core/errors'
import { dryRun, type Rule } from './engine'
import type { RuleInput, RulePatchSchema } from './schemas'

/** 400 naming the field when a rule refers to a stage, user, sequence or webhook the tenant does not have. */
async function checkRuleReferences(tx: Tx, tenantId: string, rule: Partial<RuleInput>) {
  if (rule.trigger?.kind === 'stage_entered') {
    const [stage] = await tx
      .select({ key: pipelineStages.key })
      .from(pipelineStages)
      .where(and(eq(pipelineStages.tenantId, tenantId), eq(pipelineStages.key, rule.trigger.stage)))
    if (!stage) throw badRequest('trigger.stage', 'no such stage in this pipeline')
  }
  for (const [i, action] of (rule.actions ?? []).entries()) {
    if (action.kind === 'assign_owner') {
      const [user] = await tx
        .select({ active: users.active })
        .from(users)
        .where(and(eq(users.tenantId, tenantId), eq(users.id, action.userId)))
      if (!user?.active) throw badRequest(`actions.${i}.userId`, 'no such active user')
    }
    if (
      action.kind === 'enrol_in_sequence'
      && !(
        await tx
          .select({ id: sequences.id })
          .from(sequences)
          .where(and(eq(sequences.tenantId, tenantId), eq(sequences.id, action.sequenceId)))
      ).length
    ) {
      throw badRequest(`actions.${i}.sequenceId`, 'no such sequence')
    }
    if (
      action.kind === 'call_webhook'
      && !(
        await tx
          .select({ id: webhookSubscriptions.id })
          .from(webhookSubscriptions)
          .where(and(eq(webhookSubscriptions.tenantId, tenantId), eq(webhookSubscriptions.id, action.webhookId)))
      ).length
    ) {
      throw badRequest(`actions.${i}.webhookId`, 'no such webhook')
    }
  }
}

export async function createRule(tx: Tx, actor: { tenantId: string, userId: string | null }, input: RuleInput, now = new Date()) {
  await checkRuleReferences(tx, actor.tenantId, input)
  const [rule] = await tx
    .insert(automationRules)
    .values({ tenantId: actor.tenantId, ...input, createdById: actor.userId, createdAt: now, updatedAt: now })
    .returning()
  return rule!
}

export function listRules(tx: Tx, tenantId: string) {
  return tx
    .select()
    .from(automationRules)
    .where(eq(automationRules.tenantId, tenantId))
    .orderBy(asc(automationRules.createdAt), asc(automationRules.id))
}

export async function getRule(tx: Tx, tenantId: string, id: string) {
  const [rule] = await tx.select().from(automationRules).where(and(eq(automationRules.tenantId, tenantId), eq(automationRules.id, id)))
  if (!rule) throw notFound('rule')
  return rule
}

export async function updateRule(tx: Tx, tenantId: string, id: string, patch: z.output<typeof RulePatchSchema>, now = new Date()) {
  await getRule(tx, tenantId, id)
  await checkRuleReferences(tx, tenantId, patch)
  const [rule] = await tx
    .update(automationRules)
    .set({ ...patch, updatedAt: now })
    .where(and(eq(automationRules.tenantId, tenantId), eq(automationRules.id, id)))
    .returning()
  return rule!
}

export async function deleteRule(tx: Tx, tenantId: string, id: string) {
  const deleted = await tx
    .delete(automationRules)
    .where(and(eq(automationRules.tenantId, tenantId), eq(automationRules.id, id)))
    .returning({ id: automationRules.id })
  if (!deleted.length) throw notFound('rule')
}

/** A rule's run log, newest first, with the deal each run touched. */
export async function listRuns(tx: Tx, tenantId: string, ruleId: string, limit = 100) {
  await getRule(tx, tenantId, ruleId)
  return tx
    .select({
      id: automationRuns.id,
      occurrence: automationRuns.occurrence,
      status: automationRuns.status,
      results: automationRuns.results,
      error: automationRuns.error,
      createdAt: automationRuns.createdAt,
      dealId: automationRuns.dealId,
      dealName: deals.name,
      leadId: automationRuns.leadId,
    })
    .from(automationRuns)
    .leftJoin(deals, and(eq(deals.tenantId, automationRuns.tenantId), eq(deals.id, automationRuns.dealId)))
    .where(and(eq(automationRuns.tenantId, tenantId), eq(automationRuns.ruleId, ruleId)))
    .orderBy(desc(automationRuns.createdAt), desc(automationRuns.id))
    .limit(limit)
}

/** The deals a saved rule would touch today (nothing is done). */
export async function dryRunRule(tx: Tx, tenantId: string, id: string, now = new Date()) {
  return dryRun(tx, tenantId, await getRule(tx, tenantId, id) as unknown as Rule, now)
}
