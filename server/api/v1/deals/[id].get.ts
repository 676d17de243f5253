import { dealView } from '../../../domain/deals/view'

export const meta = defineRoute({
  tag: 'Deals',
  summary: 'The deal\'s 360 view: account, contacts and their engagement, score with reasons and trend, next tasks',
})

/**
 * The deal's 360 view (account, contacts and their engagement, score with reasons and trend, next tasks);
 * 404 if the caller may not see it.
 */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  return scoped(event, (tx, auth) => dealView(tx, auth.tenantId, id))
})
