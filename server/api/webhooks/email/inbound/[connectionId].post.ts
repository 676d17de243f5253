import { z } from 'zod'
import { findConnection } from '../../../../domain/email/tracking/connections'
import { readInbound, threadReply } from '../../../../domain/email/tracking/inbound'
import { claimWebhookToken } from '../../../../domain/email/tracking/ingest'
import { rawPayloadOf } from '../../../../domain/email/tracking/retention'
import { verifyBasicAuth, verifyMailgun } from '../../../../domain/email/tracking/verify'
import { sameHash } from '../../../../domain/tenancy/secrets'
import { badRequest } from '../../../../domain/core/errors'

const ParamsSchema = z.object({ connectionId: z.uuid() })
const unauthorized = (why: string) => createError({ statusCode: 401, statusMessage: `webhook not verified: ${why}` })

/** The fields of a form post (multipart or urlencoded) as strings. */
async function formFields(event: Parameters<typeof readBody>[0], type: string): Promise<Record<string, unknown>> {
  if (type.startsWith('multipart/form-data')) {
    const parts = (await readMultipartFormData(event)) ?? []
    return Object.fromEntries(parts.filter(p => p.name).map(p => [p.name!, p.data.toString('utf8')]))
  }
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('application/json')) return (await readBody(event)) ?? {}
  return {}
}

// A whole email, attachments and all (providers cap inbound mail near 25-30 MB): raw MIME, or a provider's parse fields
// (SendGrid and Mailgun post forms, Postmark JSON).
export const meta = defineRoute({
  tag: 'Webhooks', summary: 'Inbound email for a connection (its ?token=)', maxBytes: 32 * MB,
  bodyTypes: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data', 'message/rfc822', 'text/plain'],
})

/**
 * An inbound email (a reply) for one connection: raw MIME or the provider's parse format. The
 * inbound URL's token is required; Mailgun's signature and Postmark's basic auth are checked too.
 */
export default defineEventHandler(async (event) => {
  const { connectionId } = paramsValidated(event, ParamsSchema)
  const db = await useDb()
  const connection = await findConnection(db, connectionId)
  if (!connection) throw createError({ statusCode: 404, statusMessage: 'connection not found' })
  const token = String(getQuery(event).token ?? '')
  if (!sameHash(token, connection.secrets.inboundToken)) throw unauthorized('bad token')
  const type = (getRequestHeader(event, 'content-type') ?? '').toLowerCase()
  const raw
    = type.startsWith('message/rfc822') || type.startsWith('text/plain') ? ((await readRawBody(event, false)) ?? undefined) : undefined
  const fields = raw ? {} : await formFields(event, type)
  const v = connection.secrets.verification
  if (connection.provider === 'mailgun') {
    const problem = verifyMailgun(v.signingKey!, fields, new Date())
    if (problem) throw unauthorized(problem)
    if (!await claimWebhookToken(db, connectionId, String(fields.token))) throw unauthorized('token seen before')
  }
  if (connection.provider === 'postmark') {
    const problem = verifyBasicAuth({ username: v.username!, password: v.password! }, getRequestHeader(event, 'authorization'))
    if (problem) throw unauthorized(problem)
  }
  const email = await readInbound({ raw, fields }, new Date())
  if (!email) throw badRequest('body', 'no email in the request (raw MIME, or the provider\'s parse fields)')
  return withTenant(db, connection.tenantId, tx => threadReply(tx, connection.tenantId, email, rawPayloadOf({ raw, fields })))
})
