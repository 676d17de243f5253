import { and, desc, eq } from 'drizzle-orm'
import { z } from 'zod'
import { EMAIL_PROVIDERS, emailConnections, type EmailProvider } from '../../../../db/schema'
import type { AppDatabase } from '../../../../db/client'
import { withLookup, type Tx } from '../../core/db'
import { audit, type Actor } from '../../tenancy/audit'
import { randomToken, seal, unseal } from '../../tenancy/secrets'

/** What each provider's webhooks are verified with (docs/api.md, "Email connections"). */
export const ConnectionSchema = z.discriminatedUnion('provider', [
  z
    .object({
      provider: z.literal('sendgrid'),
      verification: z
        .object({
          publicKey: z
            .string()
            .trim()
            .regex(/^[A-Za-z0-9+/=\s]{80,400}$/, 'the base64 DER public key SendGrid shows'),
        })
        .strict(),
    })
    .strict(),
  z
    .object({ provider: z.literal('mailgun'), verification: z.object({ signingKey: z.string().trim().min(16).max(200) }).strict() })
    .strict(),
  z
    .object({
      provider: z.literal('postmark'),
      verification: z.object({ username: z.string().trim().min(1).max(200), password: z.string().min(12).max(200) }).strict(),
    })
    .strict(),
])
export type ConnectionInput = z.output<typeof ConnectionSchema>

export interface ConnectionSecrets {
  verification: Record<string, string>
  /** Required on the inbound URL (`?token=`): SendGrid's Inbound Parse signs nothing. */
  inboundToken: string
}

const urls = (baseUrl: string, provider: EmailProvider, id: string, token: string) => ({
  webhookUrl: `${baseUrl}/api/webhooks/email/${provider}/${id}`,
  inboundUrl: `${baseUrl}/api/webhooks/email/inbound/${id}?token=${token}`,
})

/** Creates a connection; answers its id and the URLs to give the provider (the inbound one carries its token, shown once). */
export async function createConnection(tx: Tx, actor: Actor & { userId: string }, input: ConnectionInput, baseUrl: string) {
  const inboundToken = randomToken(24)
  const secrets: ConnectionSecrets = { verification: input.verification, inboundToken }
  const [row] = await tx
    .insert(emailConnections)
    .values({ tenantId: actor.tenantId, provider: input.provider, secrets: seal(secrets), createdById: actor.userId })
    .returning()
  await audit(tx, actor, 'integration.connected', { targetType: `email:${input.provider}`, targetId: row!.id })
  return { id: row!.id, provider: row!.provider, createdAt: row!.createdAt, ...urls(baseUrl, row!.provider, row!.id, inboundToken) }
}

/** The tenant's connections, without their secrets. */
export async function listConnections(tx: Tx, tenantId: string, baseUrl: string) {
  const rows = await tx.select({ id: emailConnections.id, provider: emailConnections.provider, createdAt: emailConnections.createdAt })
    .from(emailConnections).where(eq(emailConnections.tenantId, tenantId)).orderBy(desc(emailConnections.createdAt))
  return rows.map(r => ({ ...r, webhookUrl: urls(baseUrl, r.provider, r.id, '').webhookUrl }))
}

/** A connection by its id alone (a webhook's URL), with its secrets opened; null when there is none. */
export async function findConnection(db: AppDatabase, id: string, provider?: EmailProvider) {
  const [row] = await withLookup(db, { emailConnectionId: id }, tx => tx.select().from(emailConnections)
    .where(and(eq(emailConnections.id, id), provider ? eq(emailConnections.provider, provider) : undefined)))
  if (!row) return null
  return { id: row.id, tenantId: row.tenantId, provider: row.provider, secrets: unseal<ConnectionSecrets>(row.secrets) }
}

export { EMAIL_PROVIDERS }
