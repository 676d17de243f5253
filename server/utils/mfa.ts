import type { H3Event } from 'h3'
import { withTenant } from '../domain/core/db'
import { mfaStatus } from '../domain/tenancy/mfa'
import type { AuthContext } from './auth'
import { busCache } from './busCache'

/**
 * The "password passed" state of a sign-in that still needs its second factor: a sealed cookie
 * of its own (not the session), bound to the user and their session version, for 5 minutes.
 */
export const MFA_PENDING_COOKIE = 'momentum-mfa'
export const MFA_PENDING_SECONDS = 5 * 60

interface PasswordPassed { userId: string, tenantId: string, sessionVersion: number, passedAt: number }

function pendingSession(event: H3Event) {
  const base = process.env.NUXT_SESSION_PASSWORD || useRuntimeConfig(event).session.password
  return useSession<{ mfa?: PasswordPassed }>(event, {
    name: MFA_PENDING_COOKIE,
    // Its own key: a session cookie's seal never opens as this one, nor this one as a session.
    password: `${base}|momentum-mfa-pending`,
    maxAge: MFA_PENDING_SECONDS,
    cookie: { httpOnly: true, sameSite: 'lax', secure: true, path: '/api/auth' },
  })
}

/** Remembers that `user` gave the right password, for the code step that follows. */
export async function rememberPasswordPassed(event: H3Event, user: { id: string, tenantId: string, sessionVersion: number }) {
  await (await pendingSession(event)).update({
    mfa: { userId: user.id, tenantId: user.tenantId, sessionVersion: user.sessionVersion, passedAt: Date.now() },
  })
}

/** The pending sign-in, if there is one and it is at most 5 minutes old. */
export async function passwordPassed(event: H3Event): Promise<PasswordPassed | null> {
  const state = (await pendingSession(event)).data.mfa
  if (!state || typeof state.userId !== 'string' || typeof state.passedAt !== 'number') return null
  return Date.now() - state.passedAt <= MFA_PENDING_SECONDS * 1000 ? state : null
}

export async function forgetPasswordPassed(event: H3Event) {
  await (await pendingSession(event)).clear()
}

/** Whether a caller must enrol a second factor before anything else (their tenant requires it), kept for 10 s. */
const enrolment = busCache<boolean>({
  ttlMs: 10_000, maxEntries: 5000,
  forgets: message => message.topic === 'people.changed' && 'tenant',
})

/** True for a signed-in person (not an API key) whose tenant requires two-factor and who has none yet. */
export async function mfaEnrolmentRequired(auth: AuthContext): Promise<boolean> {
  if (auth.apiKeyId) return false
  const { value } = await enrolment.through(`${auth.tenantId}|${auth.userId}`, auth.tenantId, async () =>
    withTenant(await useDb(), auth.tenantId, async tx => (await mfaStatus(tx, auth.tenantId, auth.userId)).enrolmentRequired))
  return value
}
