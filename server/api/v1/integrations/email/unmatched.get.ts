import { unmatchedReplies } from '../../../../domain/email/tracking/inbound'

export const meta = defineRoute({
  tag: 'Integrations',
  summary: 'Inbound emails that matched no contact, for review (admin)',
  capability: 'email_tracking',
})

/** Inbound emails that matched no contact or deal, kept for review (admins). */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin')
  return { data: await withTenant(await useDb(), auth.tenantId, tx => unmatchedReplies(tx, auth.tenantId)) }
})
