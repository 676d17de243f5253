import { z } from 'zod'
import { ANALYTICS, type AnalyticsKind } from '../../../domain/forecast/analytics'
import { AnalyticsQuerySchema } from '../../../domain/forecast/schemas'

export const ParamsSchema = z.object({ kind: z.enum(Object.keys(ANALYTICS) as [AnalyticsKind, ...AnalyticsKind[]]) })
export const QuerySchema = AnalyticsQuerySchema

export const meta = defineRoute({
  tag: 'Forecast',
  summary: 'conversion, time-in-stage, win-rate or cycle-length over a date range',
  query: QuerySchema,
  capability: 'forecasting',
})

/** conversion, time-in-stage, win-rate or cycle-length over a date range, grouped; `format=csv` downloads it. */
export default defineEventHandler(async (event) => {
  const { kind } = paramsValidated(event, ParamsSchema)
  const query = queryValidated(event, QuerySchema)
  const rows: Record<string, unknown>[] = await scoped(event, (tx, auth): Promise<Record<string, unknown>[]> =>
    ANALYTICS[kind](tx, auth.tenantId, query, query.groupBy),
  )
  if (query.format === 'csv') {
    const columns = rows[0] ? Object.keys(rows[0]) : ['group']
    return sendCsv(event, `${kind}-${query.from}-${query.to}.csv`, columns, rows)
  }
  return { kind, from: query.from, to: query.to, groupBy: query.groupBy, data: rows }
})
