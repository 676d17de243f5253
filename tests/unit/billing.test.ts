import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { effectiveCapabilities, type BillingState } from '../../server/domain/billing/capabilities'
import { CAPABILITIES, PLAN_CONFIG, planForLookupKey } from '../../server/domain/billing/plans'
import { ROUTE_RULES, ruleFor } from '../../server/domain/billing/routes'
import { mapStripeEvent } from '../../server/domain/billing/stripeEvents'

const now = new Date('2026-11-22T12:00:00Z')
const state = (over: Partial<BillingState>): BillingState => ({
  plan: 'pro',
  status: 'active',
  entitlements: [],
  pastDueSince: null,
  ...over,
})
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000)

describe('the plans file', () => {
  it('maps the default Stripe lookup keys to plans and intervals', () => {
    expect(planForLookupKey('pro_monthly')).toEqual({ plan: 'pro', interval: 'month' })
    expect(planForLookupKey('enterprise_yearly')).toEqual({ plan: 'enterprise', interval: 'year' })
    expect(planForLookupKey('gold_monthly')).toBeNull()
  })

  it('names only known capabilities, and free has 2 users and 100 open deals', () => {
    for (const plan of Object.values(PLAN_CONFIG)) for (const c of plan.capabilities) expect(CAPABILITIES).toContain(c)
    expect(PLAN_CONFIG.free.limits).toEqual({ users: 2, openDeals: 100 })
    expect(PLAN_CONFIG.enterprise.capabilities).toEqual(
      expect.arrayContaining(['salesforce_sync', 'api_keys', 'audit_export', 'forecasting']),
    )
  })
})

describe('effectiveCapabilities', () => {
  it('gives everything, without limits, when billing is off', () => {
    expect(effectiveCapabilities(null, now, false)).toMatchObject({
      capabilities: [...CAPABILITIES],
      limits: { users: null, openDeals: null },
    })
  })

  it('gives an active subscription its plan', () => {
    expect(effectiveCapabilities(state({}), now, true)).toMatchObject({
      plan: 'pro',
      capabilities: ['forecasting', 'email_tracking', 'api_keys', 'automation'],
      graceUntil: null,
    })
  })

  it('keeps a past-due plan for 7 days, then falls back to free', () => {
    expect(effectiveCapabilities(state({ status: 'past_due', pastDueSince: daysAgo(3) }), now, true))
      .toMatchObject({ plan: 'pro', graceUntil: new Date(daysAgo(3).getTime() + 7 * 86_400_000) })
    expect(effectiveCapabilities(state({ status: 'past_due', pastDueSince: daysAgo(8), entitlements: ['api_keys'] }), now, true))
      .toMatchObject({ plan: 'free', capabilities: [], limits: { users: 2, openDeals: 100 }, graceUntil: null })
  })

  it('makes a cancelled subscription free, and adds entitlements to a live one', () => {
    expect(effectiveCapabilities(state({ status: 'canceled', entitlements: ['api_keys'] }), now, true)).toMatchObject({
      plan: 'free',
      capabilities: [],
    })
    expect(effectiveCapabilities(state({ entitlements: ['api_keys', 'not-a-capability'] }), now, true).capabilities).toContain('api_keys')
  })
})

describe('route rules', () => {
  it('finds the rule of a concrete path, by method', () => {
    expect(ruleFor('DELETE', '/api/v1/api-keys/5b2a4c3e-0000-4000-8000-000000000000')).toEqual({ capability: 'api_keys' })
    expect(ruleFor('POST', '/api/v1/users?x=1')).toEqual({ limit: 'users' })
    expect(ruleFor('GET', '/api/v1/users')).toBeUndefined()
  })

  it('names only known capabilities', () => {
    for (const rule of Object.values(ROUTE_RULES)) if (rule.capability) expect(CAPABILITIES).toContain(rule.capability)
  })
})

const event = (type: string, object: unknown) =>
  ({ id: 'evt_1', object: 'event', type, created: 1_800_000_000, data: { object } }) as unknown as Stripe.Event

describe('mapStripeEvent', () => {
  it('reads a subscription: plan from the price lookup key, seats, period end, status', () => {
    const change = mapStripeEvent(
      event('customer.subscription.updated', {
        id: 'sub_1',
        customer: 'cus_1',
        status: 'past_due',
        cancel_at_period_end: true,
        metadata: { tenantId: 't1' },
        items: {
          data: [
            { quantity: 4, current_period_end: 1_800_000_000, price: { lookup_key: 'enterprise_yearly', recurring: { interval: 'year' } } },
          ],
        },
      }),
    )
    expect(change).toEqual({
      kind: 'subscription',
      customerId: 'cus_1',
      tenantId: 't1',
      subscriptionId: 'sub_1',
      status: 'past_due',
      plan: 'enterprise',
      interval: 'year',
      seats: 4,
      currentPeriodEnd: new Date(1_800_000_000_000),
      cancelAtPeriodEnd: true,
    })
  })

  it('reads a deleted subscription as canceled, and a checkout\'s tenant from client_reference_id', () => {
    expect(
      mapStripeEvent(
        event('customer.subscription.deleted', {
          id: 'sub_1',
          customer: { id: 'cus_1' },
          status: 'active',
          cancel_at_period_end: false,
          metadata: {},
          items: { data: [] },
        }),
      ),
    ).toMatchObject({ kind: 'subscription', status: 'canceled', customerId: 'cus_1', plan: null })
    expect(
      mapStripeEvent(
        event('checkout.session.completed', { customer: 'cus_2', subscription: 'sub_2', client_reference_id: 't2', metadata: {} }),
      ),
    ).toEqual({ kind: 'checkout', customerId: 'cus_2', tenantId: 't2', subscriptionId: 'sub_2' })
  })

  it('reads failed and paid invoices and entitlement summaries, and ignores other types', () => {
    const inv = {
      id: 'in_1',
      customer: 'cus_1',
      status: 'open',
      amount_due: 900,
      amount_paid: 0,
      currency: 'eur',
      hosted_invoice_url: null,
      period_end: 1_800_000_000,
      created: 1_800_000_000,
      metadata: {},
    }
    expect(mapStripeEvent(event('invoice.payment_failed', inv))).toMatchObject({
      kind: 'invoice',
      failed: true,
      invoice: { id: 'in_1', status: 'open', currency: 'eur' },
    })
    expect(mapStripeEvent(event('invoice.paid', inv))).toMatchObject({ kind: 'invoice', failed: false, invoice: { status: 'paid' } })
    expect(
      mapStripeEvent(
        event('entitlements.active_entitlement_summary.updated', {
          customer: 'cus_1',
          entitlements: { data: [{ lookup_key: 'api_keys' }] },
        }),
      ),
    ).toEqual({ kind: 'entitlements', customerId: 'cus_1', lookupKeys: ['api_keys'] })
    expect(mapStripeEvent(event('charge.refunded', {}))).toEqual({ kind: 'ignored', type: 'charge.refunded' })
  })
})

describe('mapStripeEvent on signed events it cannot read (found by the fuzz suite: these were 500s)', () => {
  it('answers `invalid` naming the fields for an invoice without its amounts or with an impossible time', () => {
    const change = mapStripeEvent(event('invoice.paid', { id: 'in_1', x: false }))
    expect(change.kind).toBe('invalid')
    expect(change.kind === 'invalid' && change.issues.map(i => i.path)).toEqual(
      expect.arrayContaining(['data.object.customer', 'data.object.amount_due', 'data.object.created']),
    )
    const inv = {
      id: 'in_1',
      customer: 'cus_1',
      status: 'open',
      amount_due: 900,
      amount_paid: 0,
      currency: 'eur',
      hosted_invoice_url: null,
      period_end: 1e300,
      created: 1_800_000_000,
      metadata: {},
    }
    const late = mapStripeEvent(event('invoice.paid', inv))
    expect(late.kind === 'invalid' && [...new Set(late.issues.map(i => i.path))]).toEqual(['data.object.period_end'])
  })

  it('answers `invalid` for a subscription without items, and for an envelope without a time or object', () => {
    expect(
      mapStripeEvent(
        event('customer.subscription.created', { id: 'sub_1', customer: 'cus_1', status: 'active', cancel_at_period_end: false }),
      ).kind,
    ).toBe('invalid')
    expect(
      mapStripeEvent({ id: 'evt_1', type: 'charge.refunded', created: 'yesterday', data: {} } as unknown as Stripe.Event),
    ).toMatchObject({
      kind: 'invalid',
      issues: expect.arrayContaining([
        { path: 'created', message: expect.any(String) },
        { path: 'data.object', message: expect.any(String) },
      ]),
    })
  })
})
