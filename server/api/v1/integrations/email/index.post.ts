import { ConnectionSchema, createConnection } from '../../../../domain/email/tracking/connections'

export const BodySchema = ConnectionSchema

export const meta = defineRoute({
  tag: 'Integrations',
  summary: 'Connect SendGrid, Mailgun or Postmark; answers the webhook and inbound URLs (admin)',
  body: BodySchema,
  status: 201,
  capability: 'email_tracking',
})

/** Connects an email provider (admins): answers the webhook and inbound URLs to set up there. Secrets are stored encrypted. */
export default defineEventHandler(async (event) => {
  const input = await readValidated(event, BodySchema)
  const auth = await requireAdminUser(event)
  const created = await withTenant(await useDb(), auth.tenantId, tx =>
    createConnection(tx, actorOf(event, auth), input, publicOrigin(event)),
  )
  setResponseStatus(event, 201)
  return created
})
