import { and, eq, sql } from 'drizzle-orm'
import { deals, pipelineStages, users } from '../../../db/schema'
import type { Tx } from '../core/db'
import type { BillingState } from './capabilities'
import type { LimitKey, Limits } from './plans'
import type { loadBilling } from './apply'

/** How much of each limit a tenant uses now. */
export async function countUsage(tx: Tx, tenantId: string, key: LimitKey): Promise<number> {
  if (key === 'users') {
    const [row] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.active, true)))
    return row!.n
  }
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(deals)
    .innerJoin(pipelineStages, and(eq(pipelineStages.tenantId, deals.tenantId), eq(pipelineStages.key, deals.stage)))
    .where(and(eq(deals.tenantId, tenantId), eq(pipelineStages.kind, 'open')))
  return row!.n
}

export async function usage(tx: Tx, tenantId: string): Promise<Record<LimitKey, number>> {
  return { users: await countUsage(tx, tenantId, 'users'), openDeals: await countUsage(tx, tenantId, 'openDeals') }
}

/**
 * The billing state capabilities are derived from. A tenant without a subscription has the plan
 * its tenant row names (free for sign-ups; set by hand for a comped or self-hosted tenant).
 */
export function billingStateOf(loaded: Awaited<ReturnType<typeof loadBilling>>): BillingState {
  const { billing, tenantPlan } = loaded
  if (!billing?.stripeSubscriptionId || billing.status === 'none') {
    return { plan: tenantPlan, status: 'active', entitlements: billing?.entitlements ?? [], pastDueSince: null }
  }
  return { plan: billing.plan, status: billing.status, entitlements: billing.entitlements, pastDueSince: billing.pastDueSince }
}

export type { Limits }
