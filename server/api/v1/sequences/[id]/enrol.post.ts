import { enrol } from '../../../../domain/sequences/sequences'
import { EnrolSchema } from '../../../../domain/sequences/templates'

export const BodySchema = EnrolSchema

export const meta = defineRoute({
  tag: 'Automation',
  summary: 'Enrol contacts in a sequence, sent as the caller',
  body: EnrolSchema,
  status: 201,
  capability: 'automation',
})

/** Enrols contacts the caller sees in a sequence, sent in the caller's name: `{ contactIds, dealId? }`. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const input = await readValidated(event, BodySchema)
  const result = await scoped(event, (tx, auth) => enrol(tx, auth.tenantId, id, { ...input, senderId: auth.userId }))
  setResponseStatus(event, 201)
  return { enrolled: result.enrolled, skipped: result.skipped }
})
