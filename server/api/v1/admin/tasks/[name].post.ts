import { z } from 'zod'
import { RateLimiter } from '../../../../domain/security/rateLimit'
import { GLOBAL_TASKS, runTask, TASK_NAMES } from '../../../../domain/jobs/registry'

export const ParamsSchema = z.object({ name: z.enum(TASK_NAMES) })
export const QuerySchema = z.object({ full: z.enum(['0', '1']).optional() })

/** Runs of one task a tenant's admins may start a minute (per server process). */
const cooldown = new RateLimiter(5, 60_000)

export const meta = defineRoute({
  tag: 'Operations',
  summary: 'Run a task now for the caller\'s tenant and wait (admin)',
  query: QuerySchema,
})

/**
 * Runs a task now for the caller's tenant only and waits for it (admins); answers the runs it
 * recorded. Tasks that span every tenant are the scheduler's (403); each tenant may start a task
 * a few times a minute (429 with Retry-After past that).
 */
export default defineEventHandler(async (event) => {
  const { name } = paramsValidated(event, ParamsSchema)
  const { full } = queryValidated(event, QuerySchema)
  const auth = await requireRole(event, 'admin')
  if (GLOBAL_TASKS.includes(name)) {
    throw createError({
      statusCode: 403,
      statusMessage: `${name} works across every tenant: it runs from the scheduler and \`npm run task\`, not from a tenant's request`,
    })
  }
  const wait = cooldown.hit(`${auth.tenantId}|${name}`)
  if (wait) {
    setResponseHeader(event, 'retry-after', wait)
    throw createError({
      statusCode: 429,
      statusMessage: `${name} ran for this tenant a moment ago: try again in ${wait} s`,
      data: { retryAfter: wait },
    })
  }
  return { data: await runTask(await useDb(), name, { tenantId: auth.tenantId, full: full === '1' }) }
})
