/**
 * nuxt-auth-utils' own sign-out (`DELETE /api/_auth/session`) ends the session as
 * `POST /api/auth/logout` does: a copied cookie stops working after either. And its session
 * read (`GET /api/_auth/session`, what the pages ask at load) answers 401 for a session that has
 * ended (from another device, by an admin, a password reset), so the page goes to sign-in.
 */
export default defineNitroPlugin(() => {
  sessionHooks.hook('clear', async (session, event) => {
    if (event.method === 'DELETE' && event.path.split('?')[0] === '/api/_auth/session') await endSessionsOf(session)
  })
  sessionHooks.hook('fetch', async (_session, event) => {
    if (!await sessionStillGood(event)) throw createError({ statusCode: 401, statusMessage: 'not signed in' })
  })
})
