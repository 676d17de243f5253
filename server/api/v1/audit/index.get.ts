import { and, desc, eq, lt } from 'drizzle-orm'
import { z } from 'zod'
import { auditLog, users } from '../../../../db/schema'

export const QuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
})

export const meta = defineRoute({ tag: 'People', summary: 'The audit log (admin)', query: QuerySchema })

/** Admin: the audit log, newest first (`cursor` is the last id of the previous page). */
export default defineEventHandler(async (event) => {
  await requireAdminUser(event)
  const query = queryValidated(event, QuerySchema)
  return scoped(event, async (tx, auth) => {
    const rows = await tx
      .select({
        id: auditLog.id,
        at: auditLog.at,
        action: auditLog.action,
        actorUserId: auditLog.actorUserId,
        actorName: users.name,
        actorApiKeyId: auditLog.actorApiKeyId,
        targetType: auditLog.targetType,
        targetId: auditLog.targetId,
        ip: auditLog.ip,
        metadata: auditLog.metadata,
      })
      .from(auditLog)
      .leftJoin(users, and(eq(users.tenantId, auditLog.tenantId), eq(users.id, auditLog.actorUserId)))
      .where(and(eq(auditLog.tenantId, auth.tenantId), query.cursor ? lt(auditLog.id, query.cursor) : undefined))
      .orderBy(desc(auditLog.id))
      .limit(query.limit + 1)
    const page = rows.slice(0, query.limit)
    return { data: page, nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.id) : null }
  })
})
