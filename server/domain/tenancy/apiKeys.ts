import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm'
import type { AppDatabase } from '../../../db/client'
import { apiKeys, users } from '../../../db/schema'
import { withLookup, type Tx } from '../core/db'
import { badRequest, notFound } from '../core/errors'
import { audit, type Actor } from './audit'
import { normalizeScopes, rateRetryAfter, type ApiScope } from '../../../shared/utils/apiScopes'
import { newApiKey, parseApiKey, sameHash, sha256 } from './secrets'

export function listApiKeys(tx: Tx, tenantId: string) {
  return tx.select({
    id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, scopes: apiKeys.scopes, expiresAt: apiKeys.expiresAt,
    ratePerMinute: apiKeys.ratePerMinute, createdAt: apiKeys.createdAt,
    lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt, createdBy: users.name,
  }).from(apiKeys).leftJoin(users, and(eq(users.tenantId, apiKeys.tenantId), eq(users.id, apiKeys.createdById)))
    .where(eq(apiKeys.tenantId, tenantId)).orderBy(desc(apiKeys.createdAt))
}

export interface NewApiKey {
  name: string
  scopes: ApiScope[]
  expiresAt?: Date | null
  ratePerMinute?: number | null
}

/** Creates a key and returns it once, in full; afterwards only its prefix is ever shown. */
export async function createApiKey(tx: Tx, actor: Actor & { userId: string }, input: NewApiKey, now = new Date()) {
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) throw badRequest('expiresAt', 'must be in the future')
  const scopes = normalizeScopes(input.scopes)
  const { key, prefix, secretHash } = newApiKey()
  const [row] = await tx.insert(apiKeys).values({
    tenantId: actor.tenantId, name: input.name, prefix, secretHash, createdById: actor.userId,
    scopes, expiresAt: input.expiresAt ?? null, ratePerMinute: input.ratePerMinute ?? null,
  }).returning({ id: apiKeys.id })
  await audit(tx, actor, 'api_key.created', {
    targetType: 'api_key', targetId: row!.id,
    metadata: {
      name: input.name, prefix, scopes, expiresAt: input.expiresAt?.toISOString() ?? null, ratePerMinute: input.ratePerMinute ?? null,
    },
  })
  return { id: row!.id, key, scopes, expiresAt: input.expiresAt ?? null, ratePerMinute: input.ratePerMinute ?? null }
}

export async function revokeApiKey(tx: Tx, actor: Actor, id: string) {
  const [row] = await tx.update(apiKeys).set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.tenantId, actor.tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id })
  if (!row) throw notFound('api key')
  await audit(tx, actor, 'api_key.revoked', { targetType: 'api_key', targetId: id })
}

/** A key is live until it is revoked or its expiry passes. */
const live = (now: Date) => and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)))

/** The live key a bearer token names, or null. Compares the secret's hash in constant time. */
export async function findApiKey(db: AppDatabase, token: string, now = new Date()) {
  const parsed = parseApiKey(token)
  if (!parsed) return null
  const [row] = await withLookup(db, { apiKeyPrefix: parsed.prefix }, tx => tx.select().from(apiKeys)
    .where(and(eq(apiKeys.prefix, parsed.prefix), live(now))))
  return row && sameHash(row.secretHash, sha256(parsed.secret)) ? row : null
}

/** Whether the key is still live (the live stream re-checks it). */
export async function keyIsLive(tx: Tx, tenantId: string, id: string, now = new Date()) {
  const [row] = await tx.select({ id: apiKeys.id, tenantId: apiKeys.tenantId, createdById: apiKeys.createdById, scopes: apiKeys.scopes })
    .from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), live(now)))
  return row ?? null
}

/**
 * Counts one call of the key in its current one-minute window (one row update, shared by every
 * server process) and marks it used; answers the seconds to wait when the call is over the
 * key's rate, else 0.
 */
export async function countKeyCall(
  tx: Tx, key: { tenantId: string, id: string, ratePerMinute: number | null }, defaultRate: number, now = new Date(),
) {
  const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000)
  const [row] = await tx.update(apiKeys).set({
    rateCount: sql`case when ${apiKeys.rateWindowStart} = ${windowStart.toISOString()}::timestamptz
      then ${apiKeys.rateCount} + 1 else 1 end`,
    rateWindowStart: windowStart,
    lastUsedAt: now,
  }).where(and(eq(apiKeys.tenantId, key.tenantId), eq(apiKeys.id, key.id))).returning({ count: apiKeys.rateCount })
  return rateRetryAfter(row?.count ?? 1, key.ratePerMinute ?? defaultRate, windowStart, now)
}
