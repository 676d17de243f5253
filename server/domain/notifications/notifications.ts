import { and, count, eq, inArray, isNull, sql } from 'drizzle-orm'
import { notifications, userPreferences, users, type NotificationKind } from '../../../db/schema'
import { queryRows } from '../../../db/client'
import { keysetAfter, keysetOrder, keysetPage, keysetValue, newestFirst, type Key } from '../core/paging'
import type { Tx } from '../core/db'
import { publish } from '../events/bus'

export interface NotificationDraft {
  userId: string
  kind: NotificationKind
  title: string
  body?: string | null
  link?: string | null
  dealId?: string | null
  taskId?: string | null
  /** What it is about: at most one notification per user and key, ever. */
  dedupeKey: string
}

export interface CreatedNotification {
  id: string
  userId: string
  kind: NotificationKind
  title: string
  body: string | null
  link: string | null
  dealId: string | null
  taskId: string | null
}

/**
 * The one way notifications are raised: set-wise, skipping any (user, key) raised before, and
 * announced to each recipient on the live stream (`notification.created`) at commit.
 * Answers the notifications created now (so a caller can email exactly those).
 */
export async function notify(
  tx: Tx,
  tenantId: string,
  drafts: readonly NotificationDraft[],
  now = new Date(),
): Promise<CreatedNotification[]> {
  if (!drafts.length) return []
  const payload = JSON.stringify(
    drafts.map(d => ({
      user_id: d.userId,
      kind: d.kind,
      title: d.title.slice(0, 300),
      body: d.body?.slice(0, 2000) ?? null,
      link: d.link ?? null,
      deal_id: d.dealId ?? null,
      task_id: d.taskId ?? null,
      dedupe_key: d.dedupeKey,
    })),
  )
  const created = await queryRows<CreatedNotification>(
    tx,
    sql`
    insert into notifications (tenant_id, user_id, kind, title, body, link, deal_id, task_id, dedupe_key, created_at)
    select ${tenantId}::uuid, x.user_id, x.kind, x.title, x.body, x.link, x.deal_id, x.task_id, x.dedupe_key,
           ${now.toISOString()}::timestamptz
    from json_to_recordset(${payload}::json)
      as x(user_id uuid, kind text, title text, body text, link text, deal_id uuid, task_id uuid, dedupe_key text)
    join users u on u.tenant_id = ${tenantId}::uuid and u.id = x.user_id and u.active
    on conflict (tenant_id, user_id, dedupe_key) do nothing
    returning id, user_id as "userId", kind, title, body, link, deal_id as "dealId", task_id as "taskId"`,
  )
  const byUser = Map.groupBy(created, n => n.userId)
  await publish(
    tx,
    [...byUser].map(([userId, list]) => ({
      tenantId,
      topic: 'notification.created' as const,
      data: { userId, notifications: list.slice(0, 20).map(n => ({ id: n.id, kind: n.kind, title: n.title, link: n.link })) },
    })),
  )
  return created
}

/** The tenant's active admins: whom notifications about the tenant's integrations go to. */
export async function activeAdminIds(tx: Tx, tenantId: string): Promise<string[]> {
  const admins = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.role, 'admin'), eq(users.active, true)))
  return admins.map(a => a.id)
}

const NEWEST = newestFirst(notifications.createdAt)

/** A user's notifications, newest first (keyset-paged). */
export async function listNotifications(
  tx: Tx,
  tenantId: string,
  userId: string,
  query: { unread?: boolean, limit: number, cursor?: Key },
) {
  const rows = await tx
    .select({
      id: notifications.id,
      kind: notifications.kind,
      title: notifications.title,
      body: notifications.body,
      link: notifications.link,
      dealId: notifications.dealId,
      taskId: notifications.taskId,
      readAt: notifications.readAt,
      createdAt: notifications.createdAt,
      key: keysetValue(NEWEST),
    })
    .from(notifications)
    .where(
      and(
        eq(notifications.tenantId, tenantId),
        eq(notifications.userId, userId),
        query.unread ? isNull(notifications.readAt) : undefined,
        query.cursor ? keysetAfter(NEWEST, notifications.id, query.cursor) : undefined,
      ),
    )
    .orderBy(...keysetOrder(NEWEST, notifications.id))
    .limit(query.limit + 1)
  const [unread] = await tx
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.tenantId, tenantId), eq(notifications.userId, userId), isNull(notifications.readAt)))
  return { ...keysetPage(rows, query.limit), unread: unread?.n ?? 0 }
}

/** Marks some of the user's notifications read (others' ids change nothing); answers how many changed. */
export async function markRead(tx: Tx, tenantId: string, userId: string, ids: readonly string[] | 'all', now = new Date()) {
  const changed = await tx.update(notifications).set({ readAt: now })
    .where(and(eq(notifications.tenantId, tenantId), eq(notifications.userId, userId), isNull(notifications.readAt),
      ids === 'all' ? undefined : inArray(notifications.id, [...ids])))
    .returning({ id: notifications.id })
  return { read: changed.length }
}

export interface Preferences { reminderEmail: boolean, digestEmail: boolean }

/** A user's email preferences (both on until they choose). */
export async function getPreferences(tx: Tx, tenantId: string, userId: string): Promise<Preferences> {
  const [row] = await tx.select({ reminderEmail: userPreferences.reminderEmail, digestEmail: userPreferences.digestEmail })
    .from(userPreferences).where(and(eq(userPreferences.tenantId, tenantId), eq(userPreferences.userId, userId)))
  return row ?? { reminderEmail: true, digestEmail: true }
}

export async function setPreferences(
  tx: Tx,
  tenantId: string,
  userId: string,
  patch: Partial<Preferences>,
  now = new Date(),
): Promise<Preferences> {
  const current = await getPreferences(tx, tenantId, userId)
  const next = { ...current, ...patch }
  await tx
    .insert(userPreferences)
    .values({ tenantId, userId, ...next, updatedAt: now })
    .onConflictDoUpdate({ target: [userPreferences.tenantId, userPreferences.userId], set: { ...next, updatedAt: now } })
  return next
}

/** The recipients' email addresses and whether they want this kind of email. */
export async function emailRecipients(tx: Tx, tenantId: string, userIds: readonly string[], kind: 'reminderEmail' | 'digestEmail') {
  if (!userIds.length) return new Map<string, { email: string, name: string }>()
  const rows = await tx.select({ id: users.id, email: users.email, name: users.name, wants: sql<boolean | null>`${userPreferences[kind]}` })
    .from(users)
    .leftJoin(userPreferences, and(eq(userPreferences.tenantId, users.tenantId), eq(userPreferences.userId, users.id)))
    .where(and(eq(users.tenantId, tenantId), inArray(users.id, [...userIds]), eq(users.active, true)))
  return new Map(rows.filter(r => r.wants !== false).map(r => [r.id, { email: r.email, name: r.name }]))
}
