import { EmailSettingsSchema, setEmailSettings } from '../../../../domain/email/tracking/retention'

export const BodySchema = EmailSettingsSchema

export const meta = defineRoute({
  tag: 'Integrations',
  summary: 'Set the raw inbound payload retention in days, 1-3650 (admin; audited)',
  body: BodySchema,
  capability: 'email_tracking',
})

/** Sets how many days raw inbound email payloads are kept, 1 to 3650 (admins; audited). */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const input = await readValidated(event, BodySchema)
  return withTenant(await useDb(), auth.tenantId, tx => setEmailSettings(tx, actorOf(event, auth), input))
})
