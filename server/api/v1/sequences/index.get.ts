import { listSequences } from '../../../domain/sequences/sequences'

export const meta = defineRoute({ tag: 'Automation', summary: 'Email sequences with their enrolment counts', capability: 'automation' })

/** The tenant's email sequences with their enrolment counts. */
export default defineEventHandler(event => scoped(event, async (tx, auth) => ({ data: await listSequences(tx, auth.tenantId) })))
