import { and, asc, desc, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import { EVENT_TYPES, webhookAttempts, webhookDeliveries, webhookSubscriptions } from '../../../db/schema'
import type { Tx } from '../core/db'
import { badRequest, notFound } from '../core/errors'
import { randomToken, seal } from '../tenancy/secrets'
import { allowPrivateTargets, refuseTarget, type Resolver } from './targets'

/** What a subscription can listen to: any event type, `automation.rule` (rules' webhook action) or `*`. */
export const WEBHOOK_EVENTS = ['*', ...EVENT_TYPES, 'automation.rule'] as const

export const WebhookCreateSchema = z.object({
  url: z.url({ protocol: /^https?$/, message: 'an http or https URL' }).max(2000),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, 'at least one event type').max(50),
}).strict()

const columns = {
  id: webhookSubscriptions.id,
  url: webhookSubscriptions.url,
  events: webhookSubscriptions.events,
  active: webhookSubscriptions.active,
  disabledAt: webhookSubscriptions.disabledAt,
  disabledReason: webhookSubscriptions.disabledReason,
  createdAt: webhookSubscriptions.createdAt,
}

/**
 * Subscribes a URL (refused with 400 when it is not public, see `refuseTarget`); answers the
 * signing secret once — it is stored sealed and never shown again.
 */
export async function createSubscription(
  tx: Tx,
  actor: { tenantId: string, userId: string },
  input: z.output<typeof WebhookCreateSchema>,
  options: { allowPrivate?: boolean, resolve?: Resolver } = {},
) {
  const refused = await refuseTarget(input.url, { allowPrivate: options.allowPrivate ?? allowPrivateTargets(), resolve: options.resolve })
  if (refused) throw badRequest('url', refused)
  const secret = `whsec_${randomToken(24)}`
  const [row] = await tx
    .insert(webhookSubscriptions)
    .values({
      tenantId: actor.tenantId,
      url: input.url,
      events: [...new Set(input.events)],
      secret: seal(secret),
      createdById: actor.userId,
    })
    .returning(columns)
  return { ...row!, secret }
}

export function listSubscriptions(tx: Tx, tenantId: string) {
  return tx
    .select(columns)
    .from(webhookSubscriptions)
    .where(eq(webhookSubscriptions.tenantId, tenantId))
    .orderBy(asc(webhookSubscriptions.createdAt))
}

export async function deleteSubscription(tx: Tx, tenantId: string, id: string) {
  const deleted = await tx
    .delete(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.tenantId, tenantId), eq(webhookSubscriptions.id, id)))
    .returning({ id: webhookSubscriptions.id })
  if (!deleted.length) throw notFound('webhook')
}

/** A subscription's latest deliveries, each with its attempts and their response codes. */
export async function deliveryLog(tx: Tx, tenantId: string, subscriptionId: string, limit = 100) {
  const [sub] = await tx
    .select({ id: webhookSubscriptions.id })
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.tenantId, tenantId), eq(webhookSubscriptions.id, subscriptionId)))
  if (!sub) throw notFound('webhook')
  const deliveries = await tx
    .select({
      id: webhookDeliveries.id,
      eventType: webhookDeliveries.eventType,
      eventKey: webhookDeliveries.eventKey,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      deliveredAt: webhookDeliveries.deliveredAt,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.subscriptionId, subscriptionId)))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit)
  const attempts = deliveries.length
    ? await tx
        .select({
          deliveryId: webhookAttempts.deliveryId,
          attempt: webhookAttempts.attempt,
          at: webhookAttempts.at,
          statusCode: webhookAttempts.statusCode,
          error: webhookAttempts.error,
          durationMs: webhookAttempts.durationMs,
        })
        .from(webhookAttempts)
        .where(and(eq(webhookAttempts.tenantId, tenantId), inArray(webhookAttempts.deliveryId, deliveries.map(d => d.id))))
        .orderBy(asc(webhookAttempts.attempt))
    : []
  const byDelivery = Map.groupBy(attempts, a => a.deliveryId)
  return deliveries.map(d => ({ ...d, log: (byDelivery.get(d.id) ?? []).map(({ deliveryId: _, ...a }) => a) }))
}
