import { changeDealStage } from '../../../../domain/deals/records'
import { StageMoveSchema } from '../../../../domain/deals/schemas'

export const meta = defineRoute({ tag: 'Deals', summary: 'Move a deal to another stage (409 if not allowed)', body: StageMoveSchema })

/** The only way to move a deal: checked against the pipeline's allowed moves (409 otherwise). */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const move = await readValidated(event, StageMoveSchema)
  return scoped(event, (tx, auth) => changeDealStage(tx, { tenantId: auth.tenantId, userId: auth.userId }, id, move))
})
