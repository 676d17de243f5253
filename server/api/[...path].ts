/** Any /api path that names no route: a JSON 404 (not the app's HTML, nor a redirect to sign in). */
export default defineEventHandler(() => {
  throw createError({ statusCode: 404, statusMessage: 'no such API route' })
})
