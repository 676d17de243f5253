import { mfaStatus } from '../../domain/tenancy/mfa'

const mfaOf = async (auth: { tenantId: string, userId: string }) => {
  const status = await withTenant(await useDb(), auth.tenantId, tx => mfaStatus(tx, auth.tenantId, auth.userId))
  const { enabled, required, enrolmentRequired } = status
  return { enabled, required, enrolmentRequired }
}

/**
 * The caller (with `mfaEnabled`), their tenant, their two-factor state (`mfa`) and, while a
 * payment is overdue, the grace period's end (for the banner).
 */
export default defineEventHandler(async (event) => {
  const auth = await requireAuth(event)
  const [me, plan, mfa] = await Promise.all([loadMe(auth), tenantCapabilities(auth.tenantId), mfaOf(auth)])
  return { ...me, user: { ...me.user, mfaEnabled: mfa.enabled }, mfa, billing: { graceUntil: plan.graceUntil } }
})
