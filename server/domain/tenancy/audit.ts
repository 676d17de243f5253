import { auditLog } from '../../../db/schema'
import type { Actor } from '../core/actor'
import type { Tx } from '../core/db'

export type AuditAction
  = | 'auth.signup' | 'auth.login' | 'auth.login_failed' | 'auth.invite_accepted'
    | 'user.invited' | 'user.role_changed' | 'user.team_changed' | 'user.deactivated' | 'user.reactivated'
    | 'team.created' | 'api_key.created' | 'api_key.revoked'
    | 'data.exported' | 'data.imported' | 'data.erased'
    | 'forecast.adjusted' | 'forecast.quotas_set' | 'integration.connected' | 'integration.disconnected' | 'email.retention_set'
    | 'deals.bulk_updated' | 'deals.bulk_deleted'

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
