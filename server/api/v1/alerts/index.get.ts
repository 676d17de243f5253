import { z } from 'zod'
import { ALERT_STATUSES } from '../../../../db/schema'
import { ownersOf } from '../../../domain/core/db'
import { notFound } from '../../../domain/core/errors'
import { countAlerts, listAlerts } from '../../../domain/momentum/queries'
import { seesOwner } from '../../../domain/tenancy/access'

export const QuerySchema = z.object({
  /** open (not snoozed), snoozed (open, snoozed until later), dismissed, resolved or all. */
  state: z.enum([...ALERT_STATUSES, 'snoozed', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  dealId: z.uuid().optional(),
  /** Only the alerts of this owner's deals (someone whose deals the caller sees; 404 otherwise). */
  ownerId: z.uuid().optional(),
})

export const meta = defineRoute({
  tag: 'Momentum',
  summary: 'Alerts on the deals the caller sees, newest first, with their total',
  query: QuerySchema,
})

/** Alerts on the deals the caller sees (the owner, their manager, admins), newest first; `total` counts them all, not the page. */
export default defineEventHandler(async (event) => {
  const { ownerId, ...query } = queryValidated(event, QuerySchema)
  return scoped(event, async (tx, auth) => {
    if (ownerId && !seesOwner(auth.access, ownerId)) throw notFound('owner')
    const filter = { ...query, owners: ownerId ? [ownerId] : ownersOf(auth.access), now: new Date() }
    return { data: await listAlerts(tx, auth.tenantId, filter), total: await countAlerts(tx, auth.tenantId, filter) }
  })
})
