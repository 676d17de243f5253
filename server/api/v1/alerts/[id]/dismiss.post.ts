import { dismissAlert } from '../../../../domain/momentum/queries'

/** Dismisses an alert; it does not come back for the same occurrence. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, (tx, auth) => dismissAlert(tx, auth.tenantId, auth.userId, id))
})
