import { adjustForecast } from '../../../domain/forecast/forecast'
import { AdjustmentSchema } from '../../../domain/forecast/schemas'

export const BodySchema = AdjustmentSchema

/** A manager's override of a rep's or their team's forecast (admins: any, or the tenant's), with a note; audited. */
export default defineEventHandler(async (event) => {
  const input = await readValidated(event, BodySchema)
  await requireRole(event, 'manager', 'admin')
  const adjustment = await scoped(event, (tx, auth) => adjustForecast(tx, actorOf(event, auth), auth, input))
  setResponseStatus(event, 201)
  return adjustment
})
