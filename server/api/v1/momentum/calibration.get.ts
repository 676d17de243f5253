import { calibration } from '../../../domain/momentum/calibration'

/** How past scores matched outcomes (per score band: closed deals and win rate) and the weights in use. Admins and managers. */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin', 'manager')
  return withTenant(await useDb(), auth.tenantId, tx => calibration(tx, auth.tenantId))
})
