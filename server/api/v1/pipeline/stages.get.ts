import { loadStages } from '../../../domain/deals/records'
import { stageView } from '../../../domain/deals/pipeline'

export const meta = defineRoute({ tag: 'Pipeline', summary: 'The tenant\'s stages' })

export default defineEventHandler(event =>
  scoped(event, async (tx, auth) => ({ data: (await loadStages(tx, auth.tenantId)).map(stageView) })),
)
