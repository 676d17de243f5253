import { dealMomentum } from '../../../../domain/momentum/queries'

export const meta = defineRoute({ tag: 'Momentum', summary: 'A deal\'s score, state, reasons, signals, daily trend and open alerts' })

/** The deal's score, state, reasons and signals, its daily trend line and open alerts. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, (tx, auth) => dealMomentum(tx, auth.tenantId, id))
})
