import { loadStages } from '../../../domain/deals/records'

export default defineEventHandler(event => scoped(event, async (tx, auth) => ({ data: await loadStages(tx, auth.tenantId) })))
