import { forecast } from '../../../domain/forecast/forecast'
import { ForecastQuerySchema } from '../../../domain/forecast/schemas'

export const QuerySchema = ForecastQuerySchema

export const meta = defineRoute({
  tag: 'Forecast',
  summary: 'A month\'s or quarter\'s forecast per rep, team and tenant (format=csv downloads it)',
  query: QuerySchema,
  capability: 'forecasting',
})

/**
 * The forecast of a month or quarter for what the caller sees (a rep: their own; a manager: their
 * team; an admin: the tenant), rolled up rep -> team -> tenant. `format=csv` downloads the rows.
 */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  const result = await scoped(event, (tx, auth) => forecast(tx, auth.tenantId, auth, query.period))
  if (query.format === 'csv') {
    const rows = (query.groupBy === 'team' ? result.teams : result.owners).map(r => ({ ...r, adjusted: r.adjusted?.amount ?? null }))
    return sendCsv(
      event,
      `forecast-${query.period.key}.csv`,
      [
        'name',
        'closedWon',
        'commit',
        'bestCase',
        'pipeline',
        'weighted',
        'projection',
        'forecast',
        'adjusted',
        'adjustedForecast',
        'quota',
        'attainment',
        'coverage',
      ],
      rows,
    )
  }
  return { ...result, groupBy: query.groupBy, rows: query.groupBy === 'team' ? result.teams : result.owners }
})
