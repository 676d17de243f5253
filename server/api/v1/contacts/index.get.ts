import { z } from 'zod'
import { checkContactCursor, CONTACT_SORTS, listContacts } from '../../../domain/records/contacts'

export const QuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(600).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  accountId: z.uuid().optional(),
  ownerId: z.uuid().optional(),
  sort: z.enum(CONTACT_SORTS).default('name'),
}).superRefine(checkContactCursor)

export const meta = defineRoute({ tag: 'Contacts', summary: 'List contacts (q searches names and email)', query: QuerySchema })

/** Contacts the caller may see, by name (or `sort=createdAt|lastActivity`); `q` searches names and email. */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, (tx, auth) => listContacts(tx, auth.tenantId, query))
})
