import { z } from 'zod'
import { IsoDateTime } from '../../../../domain/core/dates'
import { snoozeAlert } from '../../../../domain/momentum/queries'

export const BodySchema = z.object({
  /** Until when the alert stays out of the lists (in the future); null wakes it now. */
  until: IsoDateTime().nullable(),
}).strict()

export const meta = defineRoute({ tag: 'Momentum', summary: 'Snooze an alert until a time, or wake it (until: null)', body: BodySchema })

/** Snoozes an open alert until a time in the future (it leaves the lists until then), or wakes it with `until: null`. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const { until } = await readValidated(event, BodySchema)
  return scoped(event, (tx, auth) => snoozeAlert(tx, auth.tenantId, id, until))
})
