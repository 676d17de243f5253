import { emailSettings } from '../../../../domain/email/retention'

/** The tenant's email settings (admins): how long raw inbound payloads are kept, and how many are held. */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin')
  return withTenant(await useDb(), auth.tenantId, tx => emailSettings(tx, auth.tenantId))
})
