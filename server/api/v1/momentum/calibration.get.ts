import { calibration } from '../../../domain/momentum/calibration'
import { ownersOf } from '../../../domain/core/db'

export const meta = defineRoute({
  tag: 'Momentum',
  summary:
    'On the closed deals: predicted against actual win rate per decile, Brier score against the stage probability alone, '
    + 'the signals that matter most, in words; the weights in use (admins, managers)',
})

/**
 * How past scores matched outcomes (per score band: closed deals and win rate) over the deals the
 * caller sees, and the tenant's weights in use. Admins and managers.
 */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin', 'manager')
  return scoped(event, (tx, auth) => calibration(tx, auth.tenantId, ownersOf(auth.access)))
})
