import { z } from 'zod'
import { ALERT_STATUSES } from '../../../../db/schema'
import { ownersOf } from '../../../domain/core/db'
import { listAlerts } from '../../../domain/momentum/queries'

export const QuerySchema = z.object({
  state: z.enum([...ALERT_STATUSES, 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  dealId: z.uuid().optional(),
})

export const meta = defineRoute({ tag: 'Momentum', summary: 'Alerts on the deals the caller sees', query: QuerySchema })

/** Alerts on the deals the caller sees (the owner, their manager, admins), newest first. */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, async (tx, auth) => ({ data: await listAlerts(tx, auth.tenantId, { ...query, owners: ownersOf(auth.access) }) }))
})
