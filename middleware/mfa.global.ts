/**
 * In a workspace that requires two-factor, a member signed in without it is sent to enrol
 * (/two-factor) before anything else; the server refuses /api/v1 to them meanwhile (403
 * `mfa enrolment required`). Asked once per page load and user (`/api/auth/me`).
 */
export default defineNuxtRouteMiddleware(async (to) => {
  const { loggedIn, user } = useUserSession()
  const exempt = ['/two-factor', '/login', '/signup'].includes(to.path) || to.path.startsWith('/invite/')
  if (!loggedIn.value || !user.value || exempt) return
  const gate = useState<{ userId: string, required: boolean } | null>('mfa-gate', () => null)
  if (gate.value?.userId !== user.value.id) {
    const me = await useRequestFetch()<{ mfa?: { enrolmentRequired?: boolean } }>('/api/auth/me').catch(() => null)
    gate.value = { userId: user.value.id, required: Boolean(me?.mfa?.enrolmentRequired) }
  }
  if (gate.value.required) return navigateTo('/two-factor')
})
