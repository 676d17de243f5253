import { z } from 'zod'
import { AUDIT_ORDER, listAudit } from '../../../domain/tenancy/audit'
import { KeyCursorSchema } from '../../../utils/schemas'

export const QuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: KeyCursorSchema(AUDIT_ORDER),
})

export const meta = defineRoute({ tag: 'People', summary: 'The audit log (admin)', query: QuerySchema })

/** Admin: the audit log, newest first. */
export default defineEventHandler(async (event) => {
  await requireAdminUser(event)
  const query = queryValidated(event, QuerySchema)
  return scoped(event, (tx, auth) => listAudit(tx, auth.tenantId, query))
})
