/**
 * How long a session lasts, at most, from sign-in: the cookie's life, its seal's and the
 * `loggedInAt` the session carries are all held to it (nuxt.config.ts sets the cookie's).
 */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60

/** What the session cookie carries about its own validity. */
export interface SessionStamp {
  loggedInAt?: unknown
  sessionVersion?: unknown
}

/**
 * Whether a session is still good for this user: signed in no longer than the maximum age ago
 * (and not in the future) and stamped with the user's current session version (bumped at
 * deactivation, a role change, a password reset and an admin ending them). Pure.
 */
export function sessionIsCurrent(
  stamp: SessionStamp,
  user: { sessionVersion: number },
  now: Date,
  maxAgeSeconds = SESSION_MAX_AGE_SECONDS,
): boolean {
  if (typeof stamp.sessionVersion !== 'number' || stamp.sessionVersion !== user.sessionVersion) return false
  if (typeof stamp.loggedInAt !== 'string') return false
  const at = Date.parse(stamp.loggedInAt)
  if (Number.isNaN(at)) return false
  const age = now.getTime() - at
  return age >= -60_000 && age <= maxAgeSeconds * 1000
}
