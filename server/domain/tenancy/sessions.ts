import { and, desc, eq, gt, isNull, lt, ne } from 'drizzle-orm'
import { userSessions } from '../../../db/schema'
import type { Tx } from '../core/db'
import { notFound } from '../core/errors'
import { deviceInWords } from './device'
import { SESSION_MAX_AGE_SECONDS } from './sessionPolicy'
import { peopleChanged } from './tenants'

/** How often, at most, a session's `last_seen_at` is written. */
export const TOUCH_EVERY_MS = 60_000

/** A session row for a sign-in (its id goes into the sealed cookie). */
export async function createSessionRow(tx: Tx, input: { tenantId: string, userId: string, ip: string | null, userAgent: string | null }) {
  const [row] = await tx.insert(userSessions).values({
    tenantId: input.tenantId,
    userId: input.userId,
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 512) ?? null,
  }).returning({ id: userSessions.id })
  return row!.id
}

const liveSince = () => new Date(Date.now() - SESSION_MAX_AGE_SECONDS * 1000)

/**
 * Whether the session row is there and not ended (for this user); touches `last_seen_at` (and the
 * address) when it was last written over a minute ago.
 */
export async function sessionRowIsLive(tx: Tx, tenantId: string, userId: string, sessionId: string, ip: string | null, touch = true) {
  const [row] = await tx.select({ lastSeenAt: userSessions.lastSeenAt }).from(userSessions)
    .where(and(eq(userSessions.tenantId, tenantId), eq(userSessions.id, sessionId), eq(userSessions.userId, userId),
      isNull(userSessions.endedAt)))
  if (!row) return false
  if (touch && Date.now() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await tx.update(userSessions).set({ lastSeenAt: new Date(), ...(ip ? { ip } : {}) })
      .where(and(eq(userSessions.tenantId, tenantId), eq(userSessions.id, sessionId),
        lt(userSessions.lastSeenAt, new Date(Date.now() - TOUCH_EVERY_MS))))
  }
  return true
}

/** A user's active sessions, the most recently seen first, in words for "My account". */
export async function listActiveSessions(tx: Tx, tenantId: string, userId: string, currentId: string | null) {
  const rows = await tx.select().from(userSessions)
    .where(and(eq(userSessions.tenantId, tenantId), eq(userSessions.userId, userId), isNull(userSessions.endedAt),
      gt(userSessions.createdAt, liveSince())))
    .orderBy(desc(userSessions.lastSeenAt), desc(userSessions.id))
  return rows.map(row => ({
    id: row.id,
    device: deviceInWords(row.userAgent),
    ip: row.ip,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    current: row.id === currentId,
  }))
}

/**
 * Ends sessions at once in every process: the rows are ended and `people.changed` makes every
 * process forget the tenant's cached callers. Answers how many were ended.
 */
async function endWhere(tx: Tx, tenantId: string, where: ReturnType<typeof and>) {
  const ended = await tx.update(userSessions).set({ endedAt: new Date() })
    .where(and(eq(userSessions.tenantId, tenantId), isNull(userSessions.endedAt), where))
    .returning({ id: userSessions.id })
  if (ended.length) await peopleChanged(tx, tenantId)
  return ended.length
}

/** Ends one session of a user (their own, from "My account", or sign-out); 404 for anyone else's. */
export async function endOwnSession(tx: Tx, tenantId: string, userId: string, sessionId: string) {
  const [row] = await tx.select({ id: userSessions.id }).from(userSessions)
    .where(and(eq(userSessions.tenantId, tenantId), eq(userSessions.id, sessionId), eq(userSessions.userId, userId),
      isNull(userSessions.endedAt)))
  if (!row) throw notFound('session')
  await endWhere(tx, tenantId, eq(userSessions.id, sessionId))
}

/** Ends a session if it is still open (sign-out); nothing otherwise. */
export const endSessionRow = (tx: Tx, tenantId: string, sessionId: string) => endWhere(tx, tenantId, eq(userSessions.id, sessionId))

/** Ends every session of a user, or every one but `exceptId` (a password change keeps the one it came from). */
export function endUserSessionRows(tx: Tx, tenantId: string, userId: string, exceptId?: string | null) {
  return endWhere(tx, tenantId, and(eq(userSessions.userId, userId), exceptId ? ne(userSessions.id, exceptId) : undefined))
}
