import { z } from 'zod'
import { checkLeadCursor, LEAD_SORTS, LEAD_STATUSES, listLeads } from '../../../domain/records/leads'

export const QuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(600).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  status: z.enum(LEAD_STATUSES).optional(),
  source: z.string().trim().min(1).max(64).optional(),
  ownerId: z.uuid().optional(),
  sort: z.enum(LEAD_SORTS).default('score'),
}).superRefine(checkLeadCursor)

export const meta = defineRoute({ tag: 'Leads', summary: 'List leads, best score first', query: QuerySchema })

/** Leads the caller may see, best score first (or `sort=createdAt|name`); `q` searches name, company and email. */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, (tx, auth) => listLeads(tx, auth.tenantId, query))
})
