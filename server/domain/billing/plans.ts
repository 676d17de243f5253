import { config } from '../core/config'
/**
 * The plans, as configuration: each plan's Stripe price lookup keys, what it includes and its
 * limits. Adding a plan or moving a feature between plans is a change to this file alone.
 */

/** Features a plan may include. Routes name the one they need in `routes.ts`. */
export const CAPABILITIES = ['forecasting', 'email_tracking', 'salesforce_sync', 'api_keys', 'audit_export', 'automation'] as const
export type Capability = (typeof CAPABILITIES)[number]

/** Counted limits; `null` means unlimited. */
export interface Limits {
  users: number | null
  openDeals: number | null
}
export type LimitKey = keyof Limits

export interface PlanDefinition {
  name: string
  /** Stripe price lookup keys per billing interval (a plan without prices is not sold). */
  prices: Partial<Record<'month' | 'year', string>>
  capabilities: readonly Capability[]
  limits: Limits
  /** Priced per seat: the subscription's quantity is the number of active users. */
  perSeat: boolean
}

export const PLAN_CONFIG = {
  free: {
    name: 'Free',
    prices: {},
    capabilities: [],
    limits: { users: 2, openDeals: 100 },
    perSeat: false,
  },
  pro: {
    name: 'Pro',
    prices: { month: 'pro_monthly', year: 'pro_yearly' },
    capabilities: ['forecasting', 'email_tracking', 'automation', 'api_keys'],
    limits: { users: null, openDeals: null },
    perSeat: true,
  },
  enterprise: {
    name: 'Enterprise',
    prices: { month: 'enterprise_monthly', year: 'enterprise_yearly' },
    capabilities: ['forecasting', 'email_tracking', 'automation', 'salesforce_sync', 'api_keys', 'audit_export'],
    limits: { users: null, openDeals: null },
    perSeat: true,
  },
} as const satisfies Record<string, PlanDefinition>

export type PlanKey = keyof typeof PLAN_CONFIG
export const PLAN_KEYS = Object.keys(PLAN_CONFIG) as PlanKey[]

/** Days a past-due subscription keeps its plan before the tenant falls back to free. */
export const PAST_DUE_GRACE_DAYS = config.billingGraceDays()

/** The plan and interval a Stripe price lookup key stands for. */
export function planForLookupKey(lookupKey: string | null | undefined): { plan: PlanKey, interval: 'month' | 'year' } | null {
  for (const plan of PLAN_KEYS) {
    for (const [interval, key] of Object.entries(PLAN_CONFIG[plan].prices as PlanDefinition['prices'])) {
      if (key === lookupKey) return { plan, interval: interval as 'month' | 'year' }
    }
  }
  return null
}
