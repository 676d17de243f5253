import { createView, ViewSchema } from '../../../domain/records/views'

export const meta = defineRoute({
  tag: 'Views',
  summary: 'Save a view of a list: filters, sort, columns; `shared` shows it to the team',
  body: ViewSchema,
  status: 201,
})

/** Saves a view of a list (filters, sort, columns), the caller's own; `shared` shows it to their team. */
export default defineEventHandler(async (event) => {
  const input = await readValidated(event, ViewSchema)
  const view = await scoped(event, (tx, auth) => createView(tx, viewerOf(auth), input))
  setResponseStatus(event, 201)
  return view
})
