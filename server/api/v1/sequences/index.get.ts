import { listSequences } from '../../../domain/sequences/sequences'

/** The tenant's email sequences with their enrolment counts. */
export default defineEventHandler(event => scoped(event, async (tx, auth) => ({ data: await listSequences(tx, auth.tenantId) })))
