import { z } from 'zod'
import { acceptInvite } from '../../../domain/tenancy/people'

export const BodySchema = z.object({
  token: z.string().min(20).max(200),
  password: PasswordSchema,
})

/** An invited user chooses a password and is signed in. */
export default defineEventHandler(async (event) => {
  const { token, password } = await readValidated(event, BodySchema)
  const user = await acceptInvite(await useDb(), token, password, clientIp(event))
  return { user: await startSession(event, user) }
})
