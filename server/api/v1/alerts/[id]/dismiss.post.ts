import { dismissAlert } from '../../../../domain/momentum/queries'

export const meta = defineRoute({ tag: 'Momentum', summary: 'Dismiss an alert' })

/** Dismisses an alert; it does not come back for the same occurrence. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, (tx, auth) => dismissAlert(tx, auth.tenantId, auth.userId, id))
})
