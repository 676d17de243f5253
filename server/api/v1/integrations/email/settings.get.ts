import { emailSettings } from '../../../../domain/email/tracking/retention'

export const meta = defineRoute({
  tag: 'Integrations',
  summary: 'How long raw inbound email payloads are kept, and how many are held (admin)',
  capability: 'email_tracking',
})

/** The tenant's email settings (admins): how long raw inbound payloads are kept, and how many are held. */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin')
  return withTenant(await useDb(), auth.tenantId, tx => emailSettings(tx, auth.tenantId))
})
