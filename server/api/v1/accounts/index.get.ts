import { z } from 'zod'
import { ACCOUNT_SORTS, checkAccountCursor, listAccounts } from '../../../domain/records/accounts'

export const QuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(600).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  ownerId: z.uuid().optional(),
  industry: z.string().trim().min(1).max(100).optional(),
  sort: z.enum(ACCOUNT_SORTS).default('name'),
}).superRefine(checkAccountCursor)

export const meta = defineRoute({ tag: 'Accounts', summary: 'List accounts (q searches name and domain)', query: QuerySchema })

/** Accounts the caller may see, by name (or `sort=createdAt|openValue`); `q` searches name and domain. */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, (tx, auth) => listAccounts(tx, auth.tenantId, query))
})
