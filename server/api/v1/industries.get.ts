import { listIndustries } from '../../domain/records/accounts'

export const meta = defineRoute({ tag: 'Accounts', summary: 'The industries the tenant\'s accounts name (for filters and forms)' })

/** The industries of the tenant's accounts, each once, by name. */
export default defineEventHandler(event => scoped(event, async (tx, auth) => ({ data: await listIndustries(tx, auth.tenantId) })))
