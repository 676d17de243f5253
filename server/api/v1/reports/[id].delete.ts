import { deleteReport } from '../../../domain/reports/saved'

export const meta = defineRoute({ tag: 'Reports', summary: 'Delete a saved report (its owner or an admin)', status: 204 })

/** Deletes a saved report; only its owner or an admin may. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  await scoped(event, (tx, auth) => deleteReport(tx, viewerOf(auth), id))
  setResponseStatus(event, 204)
  return null
})
