/** The caller, their tenant and, while a payment is overdue, the grace period's end (for the banner). */
export default defineEventHandler(async (event) => {
  const auth = await requireAuth(event)
  const [me, plan] = await Promise.all([loadMe(auth), tenantCapabilities(auth.tenantId)])
  return { ...me, billing: { graceUntil: plan.graceUntil } }
})
