import { getImport } from '../../../domain/imports/imports'

export const meta = defineRoute({ tag: 'Import', summary: 'An import\'s status, progress and first 1,000 row errors (admin)' })

/** An import's status and progress: rows done of the total, created/updated/skipped, the first 1,000 row errors. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const auth = await requireRole(event, 'admin')
  return withTenant(await useDb(), auth.tenantId, tx => getImport(tx, auth.tenantId, id))
})
