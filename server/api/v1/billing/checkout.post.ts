import { z } from 'zod'
import { startCheckout } from '../../../domain/billing/checkout'

export const BodySchema = z.object({
  plan: z.enum(['pro', 'enterprise']),
  interval: z.enum(['month', 'year']).default('month'),
}).strict()

export const meta = defineRoute({ tag: 'Billing', summary: 'A Stripe Checkout session (admin)', body: BodySchema })

/** Admin: a Stripe Checkout session to subscribe to a plan; answers its URL. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const body = await readValidated(event, BodySchema)
  const stripe = useStripe()
  if (!stripe) throw createError({ statusCode: 409, statusMessage: 'billing is not configured on this server' })
  const me = await loadMe(auth)
  return startCheckout(await useDb(), stripe, {
    tenant: me.tenant,
    email: me.user.email,
    ...body,
    returnUrl: `${getRequestURL(event).origin}/settings/billing`,
  })
})
