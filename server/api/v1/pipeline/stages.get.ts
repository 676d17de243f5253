import { loadStages } from '../../../domain/deals/records'

export default defineEventHandler(async (event) => {
  const auth = await requireAuth(event)
  const stages = await withTenant(await useDb(), auth.tenantId, tx => loadStages(tx, auth.tenantId))
  return { data: stages }
})
