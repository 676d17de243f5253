import { openPortal } from '../../../domain/billing/checkout'

export const meta = defineRoute({ tag: 'Billing', summary: 'The Stripe customer portal (admin)' })

/** Admin: the Stripe customer portal; answers its URL. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const stripe = useStripe()
  if (!stripe) throw createError({ statusCode: 409, statusMessage: 'billing is not configured on this server' })
  const me = await loadMe(auth)
  return openPortal(await useDb(), stripe, {
    tenant: me.tenant,
    email: me.user.email,
    returnUrl: `${getRequestURL(event).origin}/settings/billing`,
  })
})
