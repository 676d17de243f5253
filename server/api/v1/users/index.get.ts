import { listUsers } from '../../../domain/tenancy/people'

export const meta = defineRoute({ tag: 'People', summary: 'The tenant\'s people' })

/** The tenant's people (everyone may list them: owners and assignees are picked from here). */
export default defineEventHandler(event => scoped(event, async (tx, auth) => ({ data: await listUsers(tx, auth.tenantId) })))
