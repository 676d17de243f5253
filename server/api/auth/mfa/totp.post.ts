import { startTotp } from '../../../domain/tenancy/mfa'

/**
 * Starts enrolling a TOTP authenticator (signed in): a new secret, stored sealed and pending
 * until confirmed. Answers `{ secret, otpauthUrl, qrSvg }` — the QR code drawn here, as SVG.
 */
export default defineEventHandler(async (event) => {
  const auth = await requireSignedInUser(event)
  const { user } = await loadMe(auth)
  return withTenant(await useDb(), auth.tenantId, tx => startTotp(tx, actorOf(event, auth), user.email))
})
