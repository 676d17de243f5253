import { z } from 'zod'
import { IsoDateTime } from '../../../domain/core/dates'
import { API_SCOPES, type ApiScope } from '../../../../shared/utils/apiScopes'
import { createApiKey } from '../../../domain/tenancy/apiKeys'

export const BodySchema = z.object({
  name: NameSchema,
  /** `read`, `write` (every area) or `<area>:read`, `<area>:write` for deals, contacts, events, admin. */
  scopes: z.array(z.enum(API_SCOPES as [ApiScope, ...ApiScope[]], `one of ${API_SCOPES.join(', ')}`))
    .min(1, 'at least one scope').max(API_SCOPES.length * 2),
  expiresAt: IsoDateTime().nullish(),
  ratePerMinute: z.number().int('a whole number').min(1).max(100_000).nullish(),
}).strict()

export const meta = defineRoute({
  tag: 'People',
  summary: 'Create an API key with scopes, an optional expiry and rate, shown once (admin)',
  body: BodySchema,
  status: 201,
  capability: 'api_keys',
})

/** Admin: a new API key, shown this once. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const body = await readValidated(event, BodySchema)
  const created = await scoped(event, tx => createApiKey(tx, actorOf(event, auth), body))
  setResponseStatus(event, 201)
  return created
})
