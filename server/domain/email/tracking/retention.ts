import { and, count, eq, isNotNull, lt, min } from 'drizzle-orm'
import { z } from 'zod'
import { emailMessages, tenants } from '../../../../db/schema'
import type { Tx } from '../../core/db'
import { toStorable } from '../../security/body'
import { audit, type Actor } from '../../tenancy/audit'

/**
 * Raw inbound payloads: each received email is kept as the provider posted it (the MIME, or its
 * parse fields as JSON) beside the parsed message, for review of what arrived, for the tenant's
 * retention period (`emailPayloadRetentionDays`, default 30); the daily `email:retention` task
 * strips older ones. Erasure of a contact strips theirs at once.
 */

/** The most of one payload kept (a reply with attachments can be 30 MB; the headers and text are at the start). */
export const RAW_PAYLOAD_MAX_CHARS = 256 * 1024

/** The payload as stored: text that PostgreSQL takes, cut at RAW_PAYLOAD_MAX_CHARS. Pure. */
export function rawPayloadOf(input: { raw?: Buffer, fields?: Record<string, unknown> }): string {
  const text = input.raw?.length ? input.raw.toString('utf8') : JSON.stringify(input.fields ?? {})
  const cut
    = text.length > RAW_PAYLOAD_MAX_CHARS
      ? `${text.slice(0, RAW_PAYLOAD_MAX_CHARS)}\n[… ${text.length - RAW_PAYLOAD_MAX_CHARS} more characters not kept]`
      : text
  return toStorable(cut)
}

export const EmailSettingsSchema = z.object({
  emailPayloadRetentionDays: z.number().int('whole days').min(1, 'at least 1 day').max(3650, 'at most 3650 days (10 years)'),
}).strict()
export type EmailSettings = z.output<typeof EmailSettingsSchema>

/** The tenant's email settings, with how many raw payloads are held and since when. */
export async function emailSettings(tx: Tx, tenantId: string) {
  const [tenant] = await tx
    .select({ emailPayloadRetentionDays: tenants.emailPayloadRetentionDays })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
  const [held] = await tx.select({ n: count(), oldest: min(emailMessages.rawReceivedAt) }).from(emailMessages)
    .where(and(eq(emailMessages.tenantId, tenantId), isNotNull(emailMessages.rawPayload)))
  return {
    emailPayloadRetentionDays: tenant!.emailPayloadRetentionDays,
    rawPayloads: Number(held?.n ?? 0),
    oldestRawPayloadAt: held?.oldest ?? null,
  }
}

/** Sets the retention (admins; audited with the old and new value). */
export async function setEmailSettings(tx: Tx, actor: Actor, input: EmailSettings) {
  const before = await emailSettings(tx, actor.tenantId)
  await tx
    .update(tenants)
    .set({ emailPayloadRetentionDays: input.emailPayloadRetentionDays, updatedAt: new Date() })
    .where(eq(tenants.id, actor.tenantId))
  await audit(tx, actor, 'email.retention_set', {
    targetType: 'tenant',
    targetId: actor.tenantId,
    metadata: { from: before.emailPayloadRetentionDays, to: input.emailPayloadRetentionDays },
  })
  return emailSettings(tx, actor.tenantId)
}

/** Strips the raw payloads older than the tenant's retention; answers how many. Safe to re-run. */
export async function stripExpiredPayloads(tx: Tx, tenantId: string, now = new Date()) {
  const [tenant] = await tx.select({ days: tenants.emailPayloadRetentionDays }).from(tenants).where(eq(tenants.id, tenantId))
  const before = new Date(now.getTime() - (tenant?.days ?? 30) * 86_400_000)
  const stripped = await tx.update(emailMessages).set({ rawPayload: null })
    .where(and(eq(emailMessages.tenantId, tenantId), isNotNull(emailMessages.rawPayload), lt(emailMessages.rawReceivedAt, before)))
    .returning({ id: emailMessages.id })
  return { stripped: stripped.length, before: before.toISOString(), days: tenant?.days ?? 30 }
}
