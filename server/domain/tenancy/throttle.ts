import { eq, inArray } from 'drizzle-orm'
import { authThrottle } from '../../../db/schema'
import type { Tx } from '../core/db'

export interface ThrottlePolicy {
  /** Attempts allowed in a window; the one that reaches it locks the key. */
  limit: number
  windowMs: number
  lockMs: number
}

/** Per account: five tries in 15 minutes, then 15 minutes locked (a correct password clears it). */
export const EMAIL_POLICY: ThrottlePolicy = { limit: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 }
/**
 * Per address: failed sign-ins of any account. An office behind one address must not be locked
 * out by someone guessing there, so a busy address does not refuse its valid users: it only
 * holds each of its (address, account) pairs to PAIR_POLICY while it is locked.
 */
export const ADDRESS_POLICY: ThrottlePolicy = { limit: 100, windowMs: 15 * 60_000, lockMs: 15 * 60_000 }
/** While its address is locked, one try per account and window from there. */
export const PAIR_POLICY: ThrottlePolicy = { limit: 1, windowMs: 15 * 60_000, lockMs: 15 * 60_000 }

export interface ThrottleState { failures: number, windowStart: Date, lockedUntil: Date | null }

/**
 * One more attempt on a key: refused while it is locked (the state unchanged), else counted —
 * in a fresh window once the last one is over or its lock ran out — and the attempt that reaches
 * the limit locks it. Pure.
 */
export function afterAttempt(
  prev: ThrottleState | undefined,
  now: Date,
  policy: ThrottlePolicy,
): { allowed: boolean, state: ThrottleState } {
  if (prev && retryAfterSeconds(prev, now) > 0) return { allowed: false, state: prev }
  const fresh = !prev || now.getTime() - prev.windowStart.getTime() >= policy.windowMs || prev.lockedUntil !== null
  const failures = fresh ? 1 : prev.failures + 1
  const windowStart = fresh ? now : prev.windowStart
  const lockedUntil = failures >= policy.limit ? new Date(now.getTime() + policy.lockMs) : null
  return { allowed: true, state: { failures, windowStart, lockedUntil } }
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

/**
 * Counts an attempt on a key before the password is checked, atomically: the key's row is
 * created if missing and locked, so parallel attempts queue here and each sees the ones before
 * it — no more attempts get through to the check than the policy allows. Answers whether this
 * one may go on and, if not, the seconds to wait. Commit it before checking the password.
 */
export async function reserveAttempt(
  tx: Tx,
  { key, policy }: ThrottleKey,
  now = new Date(),
): Promise<{ allowed: boolean, retryAfter: number }> {
  await tx
    .insert(authThrottle)
    .values({ key, failures: 0, windowStart: now, lockedUntil: null })
    .onConflictDoNothing({ target: authThrottle.key })
  const [prev] = await tx.select().from(authThrottle).where(eq(authThrottle.key, key)).for('update')
  const next = afterAttempt(prev!.failures === 0 && prev!.lockedUntil === null ? undefined : prev, now, policy)
  if (!next.allowed) return { allowed: false, retryAfter: retryAfterSeconds(next.state, now) }
  await tx.update(authThrottle).set(next.state).where(eq(authThrottle.key, key))
  return { allowed: true, retryAfter: 0 }
}

/** Counts a failed attempt (one that was checked and was wrong) on each key, atomically. */
export async function recordFailure(tx: Tx, keys: ThrottleKey[], now = new Date()) {
  for (const key of keys) await reserveAttempt(tx, key, now)
}

/** Forgets the attempts on these keys (a correct password for the account). */
export async function clearFailures(tx: Tx, keys: string[]) {
  if (keys.length) await tx.delete(authThrottle).where(inArray(authThrottle.key, keys))
}
