import { setTenantSettings } from '../../../domain/tenancy/settings'

export const BodySchema = TenantSettingsSchema

export const meta = defineRoute({
  tag: 'People',
  summary: 'Set the currency the tenant\'s totals are shown in, an ISO 4217 code (admin; audited)',
  body: BodySchema,
})

/** Sets the tenant's currency (admins; 400 naming `currency` for a code ISO 4217 does not know); audited. */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  const input = await readValidated(event, BodySchema)
  return scoped(event, (tx, auth) => setTenantSettings(tx, actorOf(event, auth), input))
})
