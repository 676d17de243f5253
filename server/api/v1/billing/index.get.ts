import { loadBilling } from '../../../domain/billing/apply'
import { PLAN_CONFIG } from '../../../domain/billing/plans'
import { usage } from '../../../domain/billing/usage'

export const meta = defineRoute({ tag: 'Billing', summary: 'Plan, status, capabilities, limits, usage and invoices (admin)' })

/** Admin: plan, status, capabilities, limits and usage, seats and invoices — all from local tables. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const plan = await tenantCapabilities(auth.tenantId)
  return scoped(event, async (tx) => {
    const { billing, invoices } = await loadBilling(tx, auth.tenantId)
    const used = await usage(tx, auth.tenantId)
    return {
      enabled: billingEnabled(),
      plan: plan.plan,
      planName: billingEnabled() ? PLAN_CONFIG[plan.plan].name : 'Everything included',
      status: billing?.stripeSubscriptionId ? billing.status : billingEnabled() ? 'none' : 'unmanaged',
      capabilities: plan.capabilities,
      limits: plan.limits,
      usage: used,
      seats: { paid: billing?.seats ?? null, used: used.users },
      periodEnd: billing?.currentPeriodEnd ?? null,
      cancelAtPeriodEnd: billing?.cancelAtPeriodEnd ?? false,
      graceUntil: plan.graceUntil,
      invoices: invoices.map(i => ({
        id: i.stripeInvoiceId,
        status: i.status,
        amountDue: i.amountDue,
        amountPaid: i.amountPaid,
        currency: i.currency,
        url: i.hostedInvoiceUrl,
        createdAt: i.createdAt,
      })),
      plans: Object.entries(PLAN_CONFIG).map(([key, p]) => ({
        key,
        name: p.name,
        capabilities: p.capabilities,
        limits: p.limits,
        intervals: Object.keys(p.prices),
      })),
    }
  })
})
