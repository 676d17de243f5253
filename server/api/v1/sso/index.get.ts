import { publicSso } from '../../../domain/sso/providers'

export const meta = defineRoute({
  tag: 'Settings',
  summary: 'The tenant\'s single sign-on (OpenID Connect): issuer, client id, domains, provisioning, SSO-only; never the secret (admin)',
})

/** The tenant's single sign-on (signed-in admins): the client secret is never returned, only `clientSecretSet`. */
export default defineEventHandler(async (event) => {
  const auth = await requireAdminUser(event)
  const sso = await withTenant(await useDb(), auth.tenantId, tx => publicSso(tx, auth.tenantId))
  return { ...sso, redirectUri: `${publicOrigin(event)}/api/auth/sso/callback` }
})
