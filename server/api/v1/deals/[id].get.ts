import { getDeal } from '../../../domain/deals/queries'

/** One deal, if the caller may see it; 404 otherwise (whether it exists elsewhere or not). */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const deal = await scoped(event, (tx, auth) => getDeal(tx, auth.tenantId, id))
  if (!deal) throw createError({ statusCode: 404, statusMessage: 'deal not found' })
  return deal
})
