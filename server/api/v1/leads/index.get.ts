import { z } from 'zod'
import { listLeads } from '../../../domain/records/leads'

export const QuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  status: z.enum(['open', 'converted', 'disqualified']).optional(),
})

/** Leads the caller may see, best score first. */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, (tx, auth) => listLeads(tx, auth.tenantId, query))
})
