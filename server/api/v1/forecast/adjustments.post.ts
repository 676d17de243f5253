import { adjustForecast } from '../../../domain/forecast/forecast'
import { AdjustmentSchema } from '../../../domain/forecast/schemas'

export const BodySchema = AdjustmentSchema

export const meta = defineRoute({
  tag: 'Forecast',
  summary: 'A manager\'s override of a rep\'s or team\'s forecast, with a note (audited)',
  body: BodySchema,
  status: 201,
  capability: 'forecasting',
})

/** A manager's override of a rep's or their team's forecast (admins: any, or the tenant's), with a note; audited. */
export default defineEventHandler(async (event) => {
  const input = await readValidated(event, BodySchema)
  await requireRole(event, 'manager', 'admin')
  const adjustment = await scoped(event, (tx, auth) => adjustForecast(tx, actorOf(event, auth), auth, input))
  setResponseStatus(event, 201)
  return adjustment
})
