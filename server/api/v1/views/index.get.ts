import { listViews, ViewListQuerySchema } from '../../../domain/records/views'

export const QuerySchema = ViewListQuerySchema

export const meta = defineRoute({
  tag: 'Views',
  summary: 'The caller\'s saved views and the shared ones of their team (admins: every shared one)',
  query: QuerySchema,
})

/** The caller's saved views and the shared ones of their team (admins: every shared one). */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, (tx, auth) => listViews(tx, viewerOf(auth), query.recordType))
})
