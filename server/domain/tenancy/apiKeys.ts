import { and, desc, eq, isNull } from 'drizzle-orm'
import type { AppDatabase } from '../../../db/client'
import { apiKeys, users } from '../../../db/schema'
import { withLookup, type Tx } from '../core/db'
import { notFound } from '../core/errors'
import { audit, type Actor } from './audit'
import { newApiKey, parseApiKey, sameHash, sha256 } from './secrets'

export function listApiKeys(tx: Tx, tenantId: string) {
  return tx.select({
    id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt,
    lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt, createdBy: users.name,
  }).from(apiKeys).leftJoin(users, and(eq(users.tenantId, apiKeys.tenantId), eq(users.id, apiKeys.createdById)))
    .where(eq(apiKeys.tenantId, tenantId)).orderBy(desc(apiKeys.createdAt))
}

/** Creates a key and returns it once, in full; afterwards only its prefix is ever shown. */
export async function createApiKey(tx: Tx, actor: Actor & { userId: string }, name: string) {
  const { key, prefix, secretHash } = newApiKey()
  const [row] = await tx.insert(apiKeys).values({ tenantId: actor.tenantId, name, prefix, secretHash, createdById: actor.userId })
    .returning({ id: apiKeys.id })
  await audit(tx, actor, 'api_key.created', { targetType: 'api_key', targetId: row!.id, metadata: { name, prefix } })
  return { id: row!.id, key }
}

export async function revokeApiKey(tx: Tx, actor: Actor, id: string) {
  const [row] = await tx.update(apiKeys).set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.tenantId, actor.tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id })
  if (!row) throw notFound('api key')
  await audit(tx, actor, 'api_key.revoked', { targetType: 'api_key', targetId: id })
}

/** The live key a bearer token names, or null. Compares the secret's hash in constant time. */
export async function findApiKey(db: AppDatabase, token: string) {
  const parsed = parseApiKey(token)
  if (!parsed) return null
  const [row] = await withLookup(db, { apiKeyPrefix: parsed.prefix }, tx => tx.select().from(apiKeys)
    .where(and(eq(apiKeys.prefix, parsed.prefix), isNull(apiKeys.revokedAt))))
  return row && sameHash(row.secretHash, sha256(parsed.secret)) ? row : null
}
