import { z } from 'zod'
import { EMAIL_PROVIDERS } from '../../../../../db/schema'
import { findConnection } from '../../../../domain/email/tracking/connections'
import { claimWebhookToken, ingestEmailEvents } from '../../../../domain/email/tracking/ingest'
import { NORMALIZERS } from '../../../../domain/email/tracking/normalize'
import { verifyBasicAuth, verifyMailgun, verifySendgrid } from '../../../../domain/email/tracking/verify'
import { badRequest } from '../../../../domain/core/errors'

const ParamsSchema = z.object({ provider: z.enum(EMAIL_PROVIDERS), connectionId: z.uuid() })
const unauthorized = (why: string) => createError({ statusCode: 401, statusMessage: `webhook not verified: ${why}` })

// A provider's batch of tracking events.
export const meta = defineRoute({ tag: 'Webhooks', summary: 'Email tracking events from SendGrid, Mailgun or Postmark', maxBytes: 8 * MB })

/**
 * A provider's tracking events for one connection: the signature is checked on the raw body
 * (401 and nothing stored otherwise), then the events are stored once each.
 */
export default defineEventHandler(async (event) => {
  const { provider, connectionId } = paramsValidated(event, ParamsSchema)
  const raw = (await readRawBody(event, false)) ?? Buffer.alloc(0)
  const db = await useDb()
  const connection = await findConnection(db, connectionId, provider)
  if (!connection) throw createError({ statusCode: 404, statusMessage: 'connection not found' })
  let body: unknown
  try {
    body = JSON.parse(raw.toString('utf8'))
  }
  catch {
    body = undefined
  }
  const now = new Date()
  const v = connection.secrets.verification
  let problem: string | null
  if (provider === 'sendgrid') {
    problem = verifySendgrid(
      v.publicKey!,
      getRequestHeader(event, 'x-twilio-email-event-webhook-signature'),
      getRequestHeader(event, 'x-twilio-email-event-webhook-timestamp'),
      raw,
      now,
    )
  }
  else if (provider === 'mailgun') {
    const signed = (body as { signature?: { timestamp?: unknown, token?: unknown, signature?: unknown } } | undefined)?.signature
    problem = verifyMailgun(v.signingKey!, signed, now)
    if (!problem && !await claimWebhookToken(db, connectionId, String(signed!.token))) problem = 'token seen before'
  }
  else problem = verifyBasicAuth({ username: v.username!, password: v.password! }, getRequestHeader(event, 'authorization'))
  if (problem) throw unauthorized(problem)
  if (body === undefined) throw badRequest('body', 'not JSON')
  const events = NORMALIZERS[provider](body)
  const result = await withTenant(db, connection.tenantId, tx => ingestEmailEvents(tx, connection.tenantId, provider, events))
  return { received: events.length, ...result }
})
