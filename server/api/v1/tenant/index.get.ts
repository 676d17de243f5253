import { tenantSettings } from '../../../domain/tenancy/settings'

export const meta = defineRoute({ tag: 'People', summary: 'The tenant\'s name and the currency its totals are shown in' })

/** The caller's tenant: its name and the currency board and forecast totals are shown in (everyone signed in). */
export default defineEventHandler(async (event) => {
  return scoped(event, (tx, auth) => tenantSettings(tx, auth.tenantId))
})
