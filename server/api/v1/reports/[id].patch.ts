import { SavedReportPatchSchema } from '../../../domain/reports/definition'
import { updateReport } from '../../../domain/reports/saved'

export const meta = defineRoute({ tag: 'Reports', summary: 'Change a saved report (its owner or an admin)', body: SavedReportPatchSchema })

/** Changes a saved report; only its owner or an admin may. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const patch = await readValidated(event, SavedReportPatchSchema)
  return scoped(event, (tx, auth) => updateReport(tx, viewerOf(auth), id, patch))
})
