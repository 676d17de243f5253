/** Retries of a failed delivery: exponential backoff from a minute, capped at six hours, for a day. */
export const RETRY_WINDOW_MS = 24 * 3_600_000
const FIRST_DELAY_MS = 60_000
const MAX_DELAY_MS = 6 * 3_600_000

/**
 * When to try again after `attempts` failed attempts of a delivery created at `createdAt`, or null
 * to give up: 1, 2, 4, 8 … minutes (at most 6 h) after now, the last one at the end of the day. Pure.
 */
export function nextAttemptAt(attempts: number, createdAt: Date, now: Date): Date | null {
  const deadline = createdAt.getTime() + RETRY_WINDOW_MS
  if (now.getTime() >= deadline) return null
  const delay = Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, attempts - 1), MAX_DELAY_MS)
  return new Date(Math.min(now.getTime() + delay, deadline))
}
