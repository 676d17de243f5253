/**
 * 1. Who is calling. Every /api/v1 route needs a signed-in user or an API key: an anonymous
 * caller gets 401 here, before any route validates its input. Sets `event.context.auth`.
 */
export default defineEventHandler(async (event) => {
  if (event.path.startsWith('/api/v1/') || event.path === '/api/v1') await requireAuth(event)
})
