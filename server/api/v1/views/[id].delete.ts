import { deleteView } from '../../../domain/records/views'

export const meta = defineRoute({ tag: 'Views', summary: 'Delete a saved view (its owner only)', status: 204 })

/** Deletes a view; only the person who saved it may. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  await scoped(event, (tx, auth) => deleteView(tx, viewerOf(auth), id))
  setResponseStatus(event, 204)
  return null
})
