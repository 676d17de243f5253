import { getReport } from '../../../domain/reports/saved'

export const meta = defineRoute({ tag: 'Reports', summary: 'A saved report the caller may open (their own or a shared one of their team)' })

/** A saved report the caller may open; 404 otherwise. Run it with `POST /api/v1/reports/run`. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, (tx, auth) => getReport(tx, viewerOf(auth), id))
})
