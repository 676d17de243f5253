import { createSequence } from '../../../domain/sequences/sequences'
import { SequenceCreateSchema } from '../../../domain/sequences/templates'

export const BodySchema = SequenceCreateSchema

export const meta = defineRoute({
  tag: 'Automation',
  summary: 'Create a sequence of { subject, body, waitDays } steps with merge fields (admin, manager)',
  body: SequenceCreateSchema,
  status: 201,
  capability: 'automation',
})

/** Creates a sequence of steps `{ subject, body, waitDays }` with merge fields (admins and managers). */
export default defineEventHandler(async (event) => {
  await requireRole(event, 'admin', 'manager')
  const input = await readValidated(event, BodySchema)
  const sequence = await scoped(event, (tx, auth) => createSequence(tx, auth, input))
  setResponseStatus(event, 201)
  return sequence
})
