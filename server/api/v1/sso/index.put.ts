import { discover, forgetDiscovery } from '../../../domain/sso/oidc'
import { saveSso, secretFor, SsoSchema } from '../../../domain/sso/providers'
import { badRequest } from '../../../domain/core/errors'

export const BodySchema = SsoSchema

export const meta = defineRoute({
  tag: 'Settings',
  summary: 'Set up single sign-on: issuer (checked by discovery), client id and secret (sealed), email domains, '
    + 'just-in-time provisioning, SSO only (admin)',
  body: BodySchema,
})

/**
 * Sets the tenant's OpenID Connect provider (signed-in admins, not API keys). The issuer must
 * answer discovery (400 naming `issuer` otherwise); the secret is sealed and kept when left
 * out; a domain another tenant covers is 409 naming `domains`.
 */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const input = await readValidated(event, BodySchema)
  const db = await useDb()
  const clientSecret = await withTenant(db, auth.tenantId, tx => secretFor(tx, auth.tenantId, input))
  forgetDiscovery(input.issuer)
  try {
    await discover({ issuer: input.issuer, clientId: input.clientId, clientSecret })
  }
  catch {
    throw badRequest('issuer', 'no OpenID Connect provider answers discovery at this issuer (/.well-known/openid-configuration)')
  }
  const sso = await withTenant(db, auth.tenantId, tx => saveSso(tx, actorOf(event, auth), input, clientSecret))
  return { ...sso, redirectUri: `${publicOrigin(event)}/api/auth/sso/callback` }
})
