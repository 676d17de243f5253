import { restoreAlert } from '../../../../domain/momentum/queries'

export const meta = defineRoute({ tag: 'Momentum', summary: 'Restore a dismissed alert (undo a dismissal)' })

/** Opens a dismissed alert again (the undo of a dismissal); 409 if it was resolved or the deal has a newer one of its kind. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, (tx, auth) => restoreAlert(tx, auth.tenantId, id))
})
