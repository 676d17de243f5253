import { CAPABILITIES, PAST_DUE_GRACE_DAYS, PLAN_CONFIG, type Capability, type Limits, type PlanKey } from './plans'

/** What a tenant has paid for, as the webhooks left it (the `tenant_billing` row). */
export interface BillingState {
  plan: PlanKey
  status: string
  /** Capabilities granted by Stripe Entitlements, on top of the plan's. */
  entitlements: readonly string[]
  pastDueSince: Date | null
}

export interface Effective {
  plan: PlanKey
  capabilities: Capability[]
  limits: Limits
  /** Set while a past-due tenant keeps its plan: the banner's deadline. */
  graceUntil: Date | null
}

const ENDED = new Set(['canceled', 'unpaid', 'incomplete_expired'])

/**
 * What a tenant may use now. Pure. Active and trialing subscriptions get their plan; a past-due
 * one keeps it for the grace period, then falls back to free (data stays; creating more over the
 * free limits is refused); ended subscriptions are free. Billing off (no Stripe key): everything.
 */
export function effectiveCapabilities(state: BillingState | null, now: Date, billingEnabled: boolean): Effective {
  if (!billingEnabled)
    return {
      plan: state?.plan ?? 'enterprise',
      capabilities: [...CAPABILITIES],
      limits: { users: null, openDeals: null },
      graceUntil: null,
    }
  let plan: PlanKey = state?.plan ?? 'free'
  let graceUntil: Date | null = null
  if (state && ENDED.has(state.status)) plan = 'free'
  if (state?.status === 'past_due' && state.pastDueSince) {
    const until = new Date(state.pastDueSince.getTime() + PAST_DUE_GRACE_DAYS * 86_400_000)
    if (now < until) graceUntil = until
    else plan = 'free'
  }
  const granted = new Set<Capability>(PLAN_CONFIG[plan].capabilities)
  // Entitlements ride on a live subscription: gone when it ended or its grace ran out.
  const lapsed = state !== null && (ENDED.has(state.status) || (state.status === 'past_due' && graceUntil === null))
  if (!lapsed) {
    for (const e of state?.entitlements ?? []) if ((CAPABILITIES as readonly string[]).includes(e)) granted.add(e as Capability)
  }
  return { plan, capabilities: CAPABILITIES.filter(c => granted.has(c)), limits: { ...PLAN_CONFIG[plan].limits }, graceUntil }
}
