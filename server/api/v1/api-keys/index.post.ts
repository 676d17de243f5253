import { z } from 'zod'
import { createApiKey } from '../../../domain/tenancy/apiKeys'

export const BodySchema = z.object({ name: NameSchema }).strict()

export const meta = defineRoute({
  tag: 'People',
  summary: 'Create an API key, shown once (admin)',
  body: BodySchema,
  status: 201,
  capability: 'api_keys',
})

/** Admin: a new API key, shown this once. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const { name } = await readValidated(event, BodySchema)
  const created = await scoped(event, tx => createApiKey(tx, actorOf(event, auth), name))
  setResponseStatus(event, 201)
  return created
})
