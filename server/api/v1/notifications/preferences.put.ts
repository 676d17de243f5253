import { z } from 'zod'
import { setPreferences } from '../../../domain/notifications/notifications'

export const BodySchema = z.object({
  reminderEmail: z.boolean().optional(),
  digestEmail: z.boolean().optional(),
}).strict()

export const meta = defineRoute({ tag: 'Work', summary: 'Turn the caller\'s reminder and digest emails on or off', body: BodySchema })

/** Turns the caller's reminder and digest emails on or off. */
export default defineEventHandler(async (event) => {
  const patch = await readValidated(event, BodySchema)
  return scoped(event, (tx, auth) => setPreferences(tx, auth.tenantId, auth.userId, patch))
})
