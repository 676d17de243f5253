import { z } from 'zod'
import { search } from '../../domain/records/search'

export const QuerySchema = z.object({
  q: z.string().trim().min(2, 'at least 2 characters').max(200),
  limit: z.coerce.number().int().min(1).max(50).default(20),
})

export const meta = defineRoute({ tag: 'Search', summary: 'Accounts, contacts, deals and notes in one ranked list', query: QuerySchema })

/** Accounts, contacts, deals and notes in one ranked list, as far as the caller may see. */
export default defineEventHandler(async (event) => {
  const { q, limit } = queryValidated(event, QuerySchema)
  return scoped(event, async (tx, auth) => ({ data: await search(tx, auth.tenantId, q, limit) }))
})
