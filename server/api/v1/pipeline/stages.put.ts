import { replacePipeline, stageView } from '../../../domain/deals/pipeline'
import { PipelineSchema } from '../../../domain/deals/schemas'

export const meta = defineRoute({ tag: 'Pipeline', summary: 'Replace the tenant\'s stages (admin)', body: PipelineSchema, area: 'admin' })

/** Admin: the tenant's whole pipeline at once (stages, order, probabilities, categories, allowed moves). */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin')
  const { stages } = await readValidated(event, PipelineSchema)
  return scoped(event, async (tx, auth) => ({ data: (await replacePipeline(tx, auth.tenantId, stages)).map(stageView) }))
})
