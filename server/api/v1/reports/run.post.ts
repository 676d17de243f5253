import { csvLine } from '../../../domain/records/csv'
import { DefinitionSchema, ReportQuerySchema } from '../../../domain/reports/definition'
import { runReport } from '../../../domain/reports/run'

export const QuerySchema = ReportQuerySchema

export const meta = defineRoute({
  tag: 'Reports',
  summary: 'Run a report definition (record type, measures, group-bys, filters) over what the caller may see; `format=csv` downloads it',
  body: DefinitionSchema,
  query: QuerySchema,
})

/**
 * Runs a report as the caller may see it (row-level security), parameterized, with a statement
 * timeout (422 `report_timeout`) and a row limit (default 1,000, at most 10,000): `{ columns, rows,
 * truncated, currency }`, or with `?format=csv` the rows as CSV under the columns' labels.
 */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  const def = await readValidated(event, DefinitionSchema)
  const result = await scoped(event, (tx, auth) => runReport(tx, auth.access, def))
  if (query.format !== 'csv') return result
  setResponseHeaders(event, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="report-${def.recordType}.csv"`,
  })
  return csvLine(result.columns.map(c => c.label)) + result.rows.map(row => csvLine(result.columns.map(c => row[c.key]))).join('')
})
