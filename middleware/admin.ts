/**
 * Settings pages are for admins. Anyone else sees a 403 page that says so (error.vue), on a direct
 * load as on a click, rather than being sent elsewhere without a word.
 */
export default defineNuxtRouteMiddleware((to) => {
  const { user } = useUserSession()
  if (user.value?.role !== 'admin') {
    return abortNavigation(createError({
      statusCode: 403,
      statusMessage: 'Forbidden',
      message: 'You don\'t have access to this page (admins only).',
      data: { path: to.path },
    }))
  }
})
