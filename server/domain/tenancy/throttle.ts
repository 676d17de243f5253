import { eq, inArray } from 'drizzle-orm'
import { authThrottle } from '../../../db/schema'
import type { Tx } from '../db'

export interface ThrottlePolicy {
  /** Failures allowed in a window before the key is locked. */
  limit: number
  windowMs: number
  lockMs: number
}

export const EMAIL_POLICY: ThrottlePolicy = { limit: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 }
export const ADDRESS_POLICY: ThrottlePolicy = { limit: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 }

export interface ThrottleState { failures: number, windowStart: Date, lockedUntil: Date | null }

/** The state after one more failure. Pure. */
export function afterFailure(prev: ThrottleState | undefined, now: Date, policy: ThrottlePolicy): ThrottleState {
  const fresh = !prev || now.getTime() - prev.windowStart.getTime() >= policy.windowMs
  const failures = fresh ? 1 : prev.failures + 1
  const windowStart = fresh ? now : prev.windowStart
  const lockedUntil = failures >= policy.limit ? new Date(now.getTime() + policy.lockMs) : (prev?.lockedUntil ?? null)
  return { failures, windowStart, lockedUntil }
}

/** Seconds until a locked key may try again, or 0. Pure. */
export function retryAfterSeconds(state: ThrottleState | undefined, now: Date): number {
  const until = state?.lockedUntil?.getTime() ?? 0
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0
}

export interface ThrottleKey { key: string, policy: ThrottlePolicy }

/** The longest wait among the keys (0 when none is locked). */
export async function lockedFor(tx: Tx, keys: ThrottleKey[], now = new Date()): Promise<number> {
  const rows = await tx.select().from(authThrottle).where(inArray(authThrottle.key, keys.map(k => k.key)))
  return Math.max(0, ...rows.map(r => retryAfterSeconds(r, now)))
}

export async function recordFailure(tx: Tx, keys: ThrottleKey[], now = new Date()) {
  for (const { key, policy } of keys) {
    const [prev] = await tx.select().from(authThrottle).where(eq(authThrottle.key, key)).for('update')
    const next = afterFailure(prev, now, policy)
    await tx.insert(authThrottle).values({ key, ...next })
      .onConflictDoUpdate({ target: authThrottle.key, set: next })
  }
}

export async function clearFailures(tx: Tx, key: string) {
  await tx.delete(authThrottle).where(eq(authThrottle.key, key))
}
