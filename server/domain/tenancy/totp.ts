import { randomInt, timingSafeEqual } from 'node:crypto'
import { authenticator } from 'otplib'
import { sha256 } from './secrets'

/** TOTP as authenticator apps speak it: 30-second steps, six digits, SHA-1 (RFC 6238). */
export const STEP_SECONDS = 30
/** Codes of the step before and after the current one are accepted too (clock drift). */
export const STEP_WINDOW = 1
export const RECOVERY_CODE_COUNT = 10
export const ISSUER = 'Momentum CRM'

/** The time step `now` falls in. Pure. */
export const stepAt = (now: Date) => Math.floor(now.getTime() / 1000 / STEP_SECONDS)

/** The code of one time step for a base32 secret. Pure. */
export function codeAt(secret: string, step: number): string {
  return authenticator.clone({ epoch: step * STEP_SECONDS * 1000, step: STEP_SECONDS, window: 0 }).generate(secret)
}

export const newTotpSecret = () => authenticator.generateSecret(20)

export const otpauthUrl = (secret: string, account: string) => authenticator.keyuri(account, ISSUER, secret)

const sameCode = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

/** Digits only: spaces and dashes people type between the groups are dropped. Pure. */
export const normalizeCode = (code: string) => code.replace(/[\s-]/g, '')

export type TotpDecision = { ok: true, step: number } | { ok: false, reason: 'wrong' | 'replayed' }

/**
 * Whether `code` is the secret's code for a step within ±STEP_WINDOW of `now`, and that step is
 * later than the last one used (each code works once; an older code cannot follow a newer one).
 * The current step is tried first. Pure.
 */
export function checkTotp(secret: string, code: string, now: Date, lastUsedStep: number): TotpDecision {
  const typed = normalizeCode(code)
  if (!/^\d{6}$/.test(typed)) return { ok: false, reason: 'wrong' }
  const current = stepAt(now)
  const candidates = [current, current - 1, current + 1].filter(s => Math.abs(s - current) <= STEP_WINDOW)
  const step = candidates.find(s => sameCode(codeAt(secret, s), typed))
  if (step === undefined) return { ok: false, reason: 'wrong' }
  return step > lastUsedStep ? { ok: true, step } : { ok: false, reason: 'replayed' }
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789' // no 0/o, 1/l/i

/** A recovery code: ten characters (about 49 bits) in two groups, `xxxxx-xxxxx`. */
export function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)])
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`
}

export const newRecoveryCodes = (count = RECOVERY_CODE_COUNT) => Array.from({ length: count }, newRecoveryCode)

/** What is stored of a recovery code: a sha256 of it, case and separators ignored. Pure. */
export const hashRecoveryCode = (code: string) => sha256(normalizeCode(code).toLowerCase())

export interface StoredRecoveryCode { id: string, codeHash: string, usedAt: Date | null }

/**
 * The stored code that `code` is, if it is still unused (null otherwise: unknown or spent). The
 * caller marks it used in the same statement that checks `used_at is null`. Pure.
 */
export function findRecoveryCode(stored: readonly StoredRecoveryCode[], code: string): StoredRecoveryCode | null {
  const hash = hashRecoveryCode(code)
  return stored.find(c => c.usedAt === null && sameCode(c.codeHash, hash)) ?? null
}

/** The codes after one was used: that one spent, the others as they were. Pure. */
export function consumeRecoveryCode(stored: readonly StoredRecoveryCode[], id: string, now: Date): StoredRecoveryCode[] {
  return stored.map(c => (c.id === id && c.usedAt === null ? { ...c, usedAt: now } : c))
}
