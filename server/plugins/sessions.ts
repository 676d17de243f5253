/**
 * nuxt-auth-utils' own sign-out (`DELETE /api/_auth/session`) ends the user's sessions as
 * `POST /api/auth/logout` does: a copied cookie stops working after either.
 */
export default defineNitroPlugin(() => {
  sessionHooks.hook('clear', async (session, event) => {
    if (event.method === 'DELETE' && event.path.split('?')[0] === '/api/_auth/session') await endSessionsOf(session)
  })
})
