import { and, eq, sql } from 'drizzle-orm'
import { auditLog, users } from '../../../db/schema'
import type { Actor } from '../core/actor'
import type { Tx } from '../core/db'
import { keysetAfter, keysetOrder, keysetPage, keysetValue, type Key, type KeysetSort } from '../core/paging'

export type AuditAction
  = | 'auth.signup' | 'auth.login' | 'auth.login_failed' | 'auth.invite_accepted'
    | 'user.invited' | 'user.role_changed' | 'user.team_changed' | 'user.deactivated' | 'user.reactivated'
    | 'team.created' | 'api_key.created' | 'api_key.revoked'
    | 'data.exported' | 'data.imported' | 'data.erased'
    | 'forecast.adjusted' | 'forecast.quotas_set' | 'integration.connected' | 'integration.disconnected' | 'email.retention_set'
    | 'tenant.currency_set'
    | 'sso.configured' | 'auth.sso_login' | 'auth.sso_refused' | 'auth.password_refused' | 'user.provisioned'
    | 'deals.bulk_updated' | 'deals.bulk_deleted'
    | 'auth.mfa_enabled' | 'auth.mfa_disabled' | 'auth.mfa_failed' | 'user.mfa_reset' | 'tenant.mfa_required_set'
    | 'auth.password_reset_requested' | 'auth.password_reset' | 'auth.password_changed' | 'auth.session_ended' | 'user.sessions_ended'
    | 'activity.targets_set'

export type { Actor } from '../core/actor'

export interface AuditDetails {
  targetType?: string
  targetId?: string
  metadata?: Record<string, unknown>
}

/** Appends to the tenant's audit log (append-only: the app role can insert and read, nothing else). */
export async function audit(tx: Tx, actor: Actor, action: AuditAction, details: AuditDetails = {}) {
  await tx.insert(auditLog).values({
    tenantId: actor.tenantId,
    action,
    actorUserId: actor.userId,
    actorApiKeyId: actor.apiKeyId ?? null,
    ip: actor.ip ?? null,
    targetType: details.targetType ?? null,
    targetId: details.targetId ?? null,
    metadata: details.metadata ?? {},
  })
}

/** The audit log's order: newest entry first, by its bigserial id (the id is both key and tie-break). */
export const AUDIT_ORDER: KeysetSort = { key: sql`${auditLog.id}`, dir: 'desc', type: 'numeric', idType: 'bigint' }

/** A page of the tenant's audit log, newest first, with the acting user's name. */
export async function listAudit(tx: Tx, tenantId: string, query: { limit: number, cursor?: Key }) {
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
      key: keysetValue(AUDIT_ORDER),
    })
    .from(auditLog)
    .leftJoin(users, and(eq(users.tenantId, auditLog.tenantId), eq(users.id, auditLog.actorUserId)))
    .where(and(eq(auditLog.tenantId, tenantId), query.cursor ? keysetAfter(AUDIT_ORDER, auditLog.id, query.cursor) : undefined))
    .orderBy(...keysetOrder(AUDIT_ORDER, auditLog.id))
    .limit(query.limit + 1)
  return keysetPage(rows, query.limit)
}
