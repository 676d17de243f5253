import { describe, expect, inject, it } from 'vitest'
import type { Client } from '../../support/http'
import { signUp, unique } from '../../support/http'
import { deliver, invoice, nextCreated, stripeEvent, subscribe, subscription } from '../../support/stripe'
import type { RecordedRequest } from '../../support/stripe-mock'

const baseURL = inject('baseURL')
const stripeMock = inject('stripeMockURL')
const DAY = 86_400

const billingOf = async (client: Client) => (await client.get('/api/v1/billing')).body
const stripeRequests = async (): Promise<RecordedRequest[]> => (await fetch(`${stripeMock}/__requests`)).json()
const invite = (client: Client) => client.post('/api/v1/users', { email: `${unique('p')}@billing.test`, name: 'P', role: 'rep' })

describe('plans and capabilities', () => {
  it('starts a new tenant on free: no API keys (402 capability_required), two users at most (402 plan_limit)', async () => {
    const { client } = await signUp(baseURL)
    expect(await billingOf(client)).toMatchObject({
      enabled: true,
      plan: 'free',
      status: 'none',
      limits: { users: 2, openDeals: 100 },
      capabilities: [],
    })
    const keys = await client.get('/api/v1/api-keys')
    expect(keys.status).toBe(402)
    expect(keys.body.data).toEqual({ error: 'capability_required', capability: 'api_keys' })
    expect((await invite(client)).status).toBe(201)
    const third = await invite(client)
    expect(third.status).toBe(402)
    expect(third.body.data).toEqual({ error: 'plan_limit', resource: 'users', limit: 2, used: 2 })
  })

  it('unlocks forecasting and API keys on pro after checkout, counts seats, and adds an entitlement\'s capability', async () => {
    const { client, tenant } = await signUp(baseURL)
    const customer = `cus_${tenant.id.slice(0, 8)}`
    expect(
      (
        await deliver(
          baseURL,
          stripeEvent('checkout.session.completed', {
            id: 'cs_1',
            object: 'checkout.session',
            customer,
            subscription: 'sub_x',
            client_reference_id: tenant.id,
            metadata: {},
          }),
        )
      ).status,
    ).toBe(200)
    await deliver(baseURL, stripeEvent('customer.subscription.created', subscription({ customer, lookupKey: 'pro_monthly', quantity: 3 })))
    expect(await billingOf(client)).toMatchObject({
      plan: 'pro',
      status: 'active',
      seats: { paid: 3, used: 1 },
      capabilities: ['forecasting', 'email_tracking', 'api_keys', 'automation'],
      limits: { users: null },
    })
    expect((await client.get('/api/v1/api-keys')).status).toBe(200)
    expect((await client.get('/api/v1/integrations/salesforce')).status).toBe(402)
    await deliver(
      baseURL,
      stripeEvent('entitlements.active_entitlement_summary.updated', {
        object: 'entitlements.active_entitlement_summary',
        customer,
        entitlements: {
          object: 'list',
          data: [{ id: 'ent_1', object: 'entitlements.active_entitlement', lookup_key: 'salesforce_sync', feature: 'feat_1' }],
        },
      }),
    )
    expect((await billingOf(client)).capabilities).toContain('salesforce_sync')
    // Past the plan gate: no connection yet.
    expect((await client.get('/api/v1/integrations/salesforce')).status).toBe(404)
  })

  it('keeps access while past due, falls back to free after the grace period with data intact, and back on payment', async () => {
    const { client, tenant } = await signUp(baseURL)
    const customer = await subscribe(baseURL, tenant.id, 'enterprise_monthly')
    await invite(client)
    await invite(client)
    const failedAt = nextCreated()
    await deliver(baseURL, stripeEvent('invoice.payment_failed', invoice({ customer }), failedAt))
    const pastDue = await billingOf(client)
    expect(pastDue).toMatchObject({ plan: 'enterprise', status: 'past_due' })
    expect(new Date(pastDue.graceUntil).getTime()).toBe((failedAt + 7 * DAY) * 1000)
    expect((await client.get('/api/v1/api-keys')).status).toBe(200)

    // A tenant whose payment failed eight days ago is past its grace: free, but nothing is lost.
    const { client: late, tenant: lateTenant } = await signUp(baseURL)
    const now = nextCreated()
    const lateCustomer = await subscribe(baseURL, lateTenant.id, 'enterprise_monthly', now - 10 * DAY)
    await invite(late)
    await invite(late)
    await deliver(baseURL, stripeEvent('invoice.payment_failed', invoice({ customer: lateCustomer }), now - 8 * DAY))
    const lapsed = await billingOf(late)
    expect(lapsed).toMatchObject({ plan: 'free', status: 'past_due', graceUntil: null, capabilities: [], usage: { users: 3 } })
    expect((await late.get('/api/v1/users')).body.data).toHaveLength(3)
    expect((await invite(late)).status).toBe(402)
    expect((await late.get('/api/v1/api-keys')).status).toBe(402)

    await deliver(baseURL, stripeEvent('invoice.paid', { ...invoice({ customer: lateCustomer }), status: 'paid', amount_paid: 4900 }))
    expect(await billingOf(late)).toMatchObject({ plan: 'enterprise', status: 'active', graceUntil: null })
    expect((await late.get('/api/v1/api-keys')).status).toBe(200)
  })

  it('moves a cancelled subscription to free', async () => {
    const { client, tenant } = await signUp(baseURL)
    const customer = await subscribe(baseURL, tenant.id, 'pro_yearly')
    await deliver(
      baseURL,
      stripeEvent('customer.subscription.deleted', subscription({ customer, lookupKey: 'pro_yearly', status: 'canceled' })),
    )
    expect(await billingOf(client)).toMatchObject({ plan: 'free', status: 'canceled', capabilities: [] })
    expect((await client.get('/api/auth/me')).body.tenant.plan).toBe('free')
  })
})

describe('the Stripe webhook', () => {
  it('refuses a bad signature with 400 and stores nothing', async () => {
    const { client, tenant } = await signUp(baseURL)
    const event = stripeEvent(
      'customer.subscription.created',
      subscription({ tenantId: tenant.id, customer: `cus_${tenant.id.slice(0, 8)}`, lookupKey: 'pro_monthly' }),
    )
    expect((await deliver(baseURL, event, 'whsec_wrong')).status).toBe(400)
    expect((await billingOf(client)).plan).toBe('free')
    expect((await deliver(baseURL, event)).body).toEqual({ received: true, outcome: 'applied' })
  })

  it('applies the same event delivered ten times once', async () => {
    const { client, tenant } = await signUp(baseURL)
    const customer = await subscribe(baseURL, tenant.id, 'pro_monthly')
    const paid = stripeEvent('invoice.paid', { ...invoice({ customer, id: 'in_once' }), status: 'paid', amount_paid: 4900 })
    const outcomes = []
    for (let i = 0; i < 10; i++) outcomes.push((await deliver(baseURL, paid)).body.outcome)
    expect(outcomes).toEqual(['applied', ...Array(9).fill('duplicate')])
    expect((await billingOf(client)).invoices).toEqual([expect.objectContaining({ id: 'in_once', status: 'paid', amountPaid: 4900 })])
  })

  it('ignores an older subscription event that arrives after a newer one', async () => {
    const { client, tenant } = await signUp(baseURL)
    const customer = `cus_${tenant.id.slice(0, 8)}`
    const older = stripeEvent('customer.subscription.updated', subscription({ tenantId: tenant.id, customer, lookupKey: 'pro_monthly' }))
    const newer = stripeEvent(
      'customer.subscription.updated',
      subscription({ tenantId: tenant.id, customer, lookupKey: 'enterprise_monthly' }),
    )
    expect((await deliver(baseURL, newer)).body.outcome).toBe('applied')
    expect((await deliver(baseURL, older)).body.outcome).toBe('stale')
    expect((await billingOf(client)).plan).toBe('enterprise')
  })

  it('acknowledges event types it does not handle', async () => {
    expect((await deliver(baseURL, stripeEvent('customer.created', { id: 'cus_new', object: 'customer' }))).body).toEqual({
      received: true,
      outcome: 'ignored',
    })
  })
})

describe('Checkout and the customer portal', () => {
  it('creates the customer once and a subscription checkout with one seat per active user', async () => {
    const { client, tenant, email } = await signUp(baseURL)
    await invite(client)
    const first = await client.post('/api/v1/billing/checkout', { plan: 'pro', interval: 'year' })
    expect(first.body.url).toMatch(/^https:\/\/checkout\.stripe\.local\/c\/pay\/cs_test_/)
    await client.post('/api/v1/billing/checkout', { plan: 'enterprise', interval: 'month' })
    const portal = await client.post('/api/v1/billing/portal')
    expect(portal.body.url).toMatch(/^https:\/\/billing\.stripe\.local\//)

    const sent = (await stripeRequests()).filter(r => r.body.includes(tenant.id) || r.body.includes(encodeURIComponent(email)))
    const customers = sent.filter(r => r.path === '/v1/customers')
    expect(customers).toHaveLength(1)
    expect(new URLSearchParams(customers[0]!.body).get('metadata[tenantId]')).toBe(tenant.id)
    const sessions = sent.filter(r => r.path === '/v1/checkout/sessions').map(r => new URLSearchParams(r.body))
    expect(
      sessions.map(s => [s.get('mode'), s.get('line_items[0][price]'), s.get('line_items[0][quantity]'), s.get('client_reference_id')]),
    ).toEqual([
      ['subscription', 'price_pro_yearly', '2', tenant.id],
      ['subscription', 'price_enterprise_monthly', '2', tenant.id],
    ])
    const customerId = sessions[0]!.get('customer')
    expect(sessions[1]!.get('customer')).toBe(customerId)
    expect(
      (await stripeRequests()).some(
        r => r.path === '/v1/billing_portal/sessions' && new URLSearchParams(r.body).get('customer') === customerId,
      ),
    ).toBe(true)
  })

  it('keeps answering from local state while Stripe is unreachable, and says so at checkout', async () => {
    const { client, tenant } = await signUp(baseURL)
    await subscribe(baseURL, tenant.id, 'enterprise_monthly')
    await fetch(`${stripeMock}/__outage`, { method: 'POST', body: JSON.stringify({ down: true }) })
    try {
      expect(await billingOf(client)).toMatchObject({ plan: 'enterprise', status: 'active' })
      expect((await client.get('/api/v1/api-keys')).status).toBe(200)
      expect((await client.get('/api/v1/deals')).status).toBe(200)
      const checkout = await client.post('/api/v1/billing/checkout', { plan: 'pro' })
      expect(checkout.status).toBe(502)
      expect(checkout.body.statusMessage).toMatch(/billing provider cannot be reached/)
    }
    finally {
      await fetch(`${stripeMock}/__outage`, { method: 'POST', body: JSON.stringify({ down: false }) })
    }
  })

  it('refuses checkout for a plan that is not sold, naming the field', async () => {
    const { client } = await signUp(baseURL)
    const answer = await client.post('/api/v1/billing/checkout', { plan: 'free' })
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues[0].path).toBe('plan')
  })
})
