import { listImports } from '../../../domain/imports/imports'

export const meta = defineRoute({ tag: 'Import', summary: 'The latest imports with their progress (admin)' })

/** The tenant's latest imports with their progress (admins). */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin')
  return { data: await withTenant(await useDb(), auth.tenantId, tx => listImports(tx, auth.tenantId)) }
})
