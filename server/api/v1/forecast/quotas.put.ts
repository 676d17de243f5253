import { setQuotas } from '../../../domain/forecast/forecast'
import { QuotasSchema } from '../../../domain/forecast/schemas'
import { audit } from '../../../domain/tenancy/audit'

export const BodySchema = QuotasSchema

export const meta = defineRoute({
  tag: 'Forecast',
  summary: 'Set reps\' quotas for a period (managers, admins)',
  body: BodySchema,
  capability: 'forecasting',
})

/** Sets reps' quotas for a period (managers: their team; admins: anyone); audited. */
export default defineEventHandler(async (event) => {
  const input = await readValidated(event, BodySchema)
  await requireRole(event, 'manager', 'admin')
  return scoped(event, async (tx, auth) => {
    const result = await setQuotas(tx, auth.tenantId, auth, input.period.key, input.quotas)
    await audit(tx, actorOf(event, auth), 'forecast.quotas_set', {
      targetType: 'period',
      targetId: input.period.key,
      metadata: { reps: input.quotas.length },
    })
    return result
  })
})
