import { EmailSettingsSchema, setEmailSettings } from '../../../../domain/email/retention'

export const BodySchema = EmailSettingsSchema

/** Sets how many days raw inbound email payloads are kept, 1 to 3650 (admins; audited). */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const input = await readValidated(event, BodySchema)
  return withTenant(await useDb(), auth.tenantId, tx => setEmailSettings(tx, actorOf(event, auth), input))
})
