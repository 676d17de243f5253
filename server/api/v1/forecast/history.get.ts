import { forecastHistory } from '../../../domain/forecast/history'
import { HistoryQuerySchema } from '../../../domain/forecast/schemas'

export const QuerySchema = HistoryQuerySchema

export const meta = defineRoute({
  tag: 'Forecast',
  summary: 'Forecast against actual per week, slipped and pulled-in deals',
  query: QuerySchema,
  capability: 'forecasting',
})

/** Forecast against actual per week of the period (from the daily snapshots), and the slipped and pulled-in deals. */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  const history = await scoped(event, (tx, auth) => forecastHistory(tx, auth.tenantId, query.period, new Date().toISOString().slice(0, 10)))
  if (query.format === 'csv') {
    const rows = [...history.slipped.deals, ...history.pulledIn.deals]
    return sendCsv(event, `slips-${query.period.key}.csv`, ['direction', 'name', 'amount', 'from', 'to', 'at', 'dealId'], rows)
  }
  return history
})
