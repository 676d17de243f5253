/**
 * Who does something: the tenant, the person (null for the system, an import or a webhook), the
 * API key and address the request came from (for the audit log), when (a seed or an import may act
 * in the past), and the automation rule that made the change, if one did. One type for every layer.
 */
export interface Actor {
  tenantId: string
  userId: string | null
  apiKeyId?: string | null
  ip?: string | null
  now?: Date
  /** Set when an automation rule makes the change: the rule, and how many rules led to it. */
  automation?: { ruleId: string, depth: number }
}

/** When the actor acts: now, unless they act in the past. */
export const actedAt = (actor: Actor) => actor.now ?? new Date()
