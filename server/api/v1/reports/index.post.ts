import { SavedReportSchema } from '../../../domain/reports/definition'
import { createReport } from '../../../domain/reports/saved'

export const meta = defineRoute({
  tag: 'Reports',
  summary: 'Save a report: its definition, a name and a chart; `shared` shows it to the team',
  body: SavedReportSchema,
  status: 201,
})

/** Saves a report, the caller's own; `shared` shows it to their team (admins see every shared one). */
export default defineEventHandler(async (event) => {
  const input = await readValidated(event, SavedReportSchema)
  const report = await scoped(event, (tx, auth) => createReport(tx, viewerOf(auth), input))
  setResponseStatus(event, 201)
  return report
})
