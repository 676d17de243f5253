import { dealMomentum } from '../../../../domain/momentum/queries'

/** The deal's score, state, reasons and signals, its daily trend line and open alerts. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, (tx, auth) => dealMomentum(tx, auth.tenantId, id))
})
