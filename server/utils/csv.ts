import type { H3Event } from 'h3'
import { csvLine } from '../domain/records/csv'

/** Answers rows as a CSV download: the given columns, in order, with a header row. */
export function sendCsv<T extends Record<string, unknown>>(
  event: H3Event,
  fileName: string,
  columns: readonly (keyof T & string)[],
  rows: readonly T[],
) {
  setResponseHeaders(event, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${fileName}"` })
  return csvLine(columns) + rows.map(row => csvLine(columns.map(c => row[c]))).join('')
}
