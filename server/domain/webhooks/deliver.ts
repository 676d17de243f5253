import { and, eq, sql } from 'drizzle-orm'
import { webhookAttempts, webhookDeliveries, webhookSubscriptions } from '../../../db/schema'
import { queryRows, type AppDatabase } from '../../../db/client'
import { withTenant, type Tx } from '../core/db'
import { unseal } from '../tenancy/secrets'
import { activeAdminIds, notify } from '../notifications/notifications'
import { nextAttemptAt } from './backoff'
import { signatureHeader, SIGNATURE_HEADER } from './sign'
import { allowPrivateTargets, networkFailure, postTo, resolveTarget, statusFailure, type DeliveryFailure, type Resolver } from './targets'

export interface OutboundEvent { key: string, type: string, occurredAt: Date, data: Record<string, unknown> }

/**
 * Queues deliveries of events to the tenant's active subscriptions that listen to their type
 * (or `*`); `only` limits it to one subscription (a rule's webhook action). Idempotent: one
 * delivery per subscription and event key.
 */
export async function enqueueDeliveries(tx: Tx, tenantId: string, outbound: readonly OutboundEvent[], now: Date, only?: string) {
  if (!outbound.length) return 0
  const payload = JSON.stringify(
    outbound.map(e => ({ key: e.key, type: e.type, payload: { type: e.type, occurredAt: e.occurredAt.toISOString(), data: e.data } })),
  )
  const rows = await queryRows<{ id: string }>(tx, sql`
    insert into webhook_deliveries (tenant_id, subscription_id, event_key, event_type, payload, next_attempt_at, created_at)
    select ${tenantId}::uuid, s.id, x.key, x.type, x.payload, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
    from json_to_recordset(${payload}::json) as x(key text, type text, payload jsonb)
    join webhook_subscriptions s on s.tenant_id = ${tenantId}::uuid and s.active
    where case when ${only ?? null}::uuid is null then x.type = any(s.events) or '*' = any(s.events) else s.id = ${only ?? null}::uuid end
    on conflict (tenant_id, subscription_id, event_key) do nothing
    returning id`)
  return rows.length
}

interface Claimed {
  id: string
  subscriptionId: string
  url: string
  secret: string
  eventType: string
  payload: Record<string, unknown>
  attempts: number
  createdAt: Date
}

/** How long a claimed delivery is someone's: another process retries it only after this lease. */
const LEASE_MS = 2 * 60_000
const TIMEOUT_MS = 10_000

/**
 * `resolve` is the lookup made before sending (a test's stand-in for DNS): its answer is checked
 * and is the address connected to. `timeoutMs` is how long a receiver has to answer.
 */
export interface DeliverOptions { allowPrivate?: boolean, resolve?: Resolver, limit?: number, timeoutMs?: number }

/**
 * Delivers the tenant's due webhooks: claims them (a lease, in a short transaction, so processes
 * never send the same one twice and no transaction waits on the network), POSTs each signed body,
 * then records the attempt. A 2xx delivers it; anything else retries with backoff for a day,
 * after which it fails, the subscription is disabled and the tenant's admins are notified.
 */
export async function deliverDue(db: AppDatabase, tenantId: string, now: Date, options: DeliverOptions = {}) {
  const allowPrivate = options.allowPrivate ?? allowPrivateTargets()
  const claimed = await withTenant(db, tenantId, tx =>
    queryRows<Claimed>(
      tx,
      sql`
    update webhook_deliveries d set next_attempt_at = ${new Date(now.getTime() + LEASE_MS).toISOString()}::timestamptz
    from webhook_subscriptions s
    where d.tenant_id = ${tenantId}::uuid and s.tenant_id = d.tenant_id and s.id = d.subscription_id and s.active
      and d.status = 'pending' and d.next_attempt_at <= ${now.toISOString()}::timestamptz
      and d.id in (select id from webhook_deliveries where tenant_id = ${tenantId}::uuid and status = 'pending'
                   and next_attempt_at <= ${now.toISOString()}::timestamptz
                   order by next_attempt_at limit ${options.limit ?? 100} for update skip locked)
    returning d.id, d.subscription_id as "subscriptionId", s.url, s.secret, d.event_type as "eventType", d.payload, d.attempts,
              d.created_at as "createdAt"`,
    ).then(rows => rows.map(d => ({ ...d, createdAt: new Date(d.createdAt) }))),
  )
  let delivered = 0
  let failed = 0
  for (const d of claimed) {
    const body = JSON.stringify({ id: d.id, ...d.payload })
    const started = Date.now()
    let statusCode: number | null = null
    let error: DeliveryFailure | null = null
    const target = await resolveTarget(d.url, { allowPrivate, resolve: options.resolve })
    if ('refused' in target) error = target.category
    else {
      try {
        statusCode = await postTo(d.url, target, {
          body,
          timeoutMs: options.timeoutMs ?? TIMEOUT_MS,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Momentum-Webhooks/1',
            'momentum-event': d.eventType,
            'momentum-delivery': d.id,
            [SIGNATURE_HEADER]: signatureHeader(unseal<string>(d.secret), body, now),
          },
        })
        if (statusCode < 200 || statusCode >= 300) error = statusFailure(statusCode)
      }
      catch (e) {
        error = networkFailure(e)
      }
    }
    const ok = !error
    if (ok) delivered++
    else failed++
    await withTenant(db, tenantId, tx => recordAttempt(tx, tenantId, d, { ok, statusCode, error, durationMs: Date.now() - started }, now))
  }
  return { attempted: claimed.length, delivered, failed }
}

async function recordAttempt(
  tx: Tx,
  tenantId: string,
  d: Claimed,
  result: { ok: boolean, statusCode: number | null, error: DeliveryFailure | null, durationMs: number },
  now: Date,
) {
  const attempt = d.attempts + 1
  await tx
    .insert(webhookAttempts)
    .values({
      tenantId,
      deliveryId: d.id,
      attempt,
      at: now,
      statusCode: result.statusCode,
      error: result.error,
      durationMs: result.durationMs,
    })
  const retryAt = result.ok ? null : nextAttemptAt(attempt, d.createdAt, now)
  const status = result.ok ? 'delivered' : retryAt ? 'pending' : 'failed'
  await tx
    .update(webhookDeliveries)
    .set({
      status,
      attempts: attempt,
      nextAttemptAt: retryAt,
      lastStatusCode: result.statusCode,
      lastError: result.error,
      deliveredAt: result.ok ? now : null,
    })
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.id, d.id)))
  if (status === 'failed') await disableSubscription(tx, tenantId, d, now)
}

/** After a day of failed retries the subscription stops receiving deliveries, and the admins are told. */
async function disableSubscription(tx: Tx, tenantId: string, d: Claimed, now: Date) {
  const reason = `deliveries failed for a day (last: ${d.eventType})`
  const [off] = await tx
    .update(webhookSubscriptions)
    .set({ active: false, disabledAt: now, disabledReason: reason })
    .where(
      and(
        eq(webhookSubscriptions.tenantId, tenantId),
        eq(webhookSubscriptions.id, d.subscriptionId),
        eq(webhookSubscriptions.active, true),
      ),
    )
    .returning({ id: webhookSubscriptions.id })
  if (!off) return
  await notify(
    tx,
    tenantId,
    (await activeAdminIds(tx, tenantId)).map(userId => ({
      userId,
      kind: 'webhook_disabled',
      title: `Webhook to ${new URL(d.url).host} disabled`,
      body: reason,
      link: '/settings/automation',
      dedupeKey: `webhook-disabled:${d.subscriptionId}:${now.toISOString()}`,
    })),
    now,
  )
}
