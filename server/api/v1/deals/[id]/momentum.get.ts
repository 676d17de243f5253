import { dealMomentum } from '../../../../domain/momentum/queries'

export const meta = defineRoute({
  tag: 'Momentum',
  summary:
    'A deal\'s win probability (0..1), score (the same in points of 100), state (where it is heading), '
    + 'reasons (each with the points it moves the chance by), signals, daily trend and open alerts',
})

/** The deal's score, state, reasons and signals, its daily trend line and open alerts. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, (tx, auth) => dealMomentum(tx, auth.tenantId, id))
})
