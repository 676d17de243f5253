/** Settings pages are for admins; others go back to their pipeline. */
export default defineNuxtRouteMiddleware(() => {
  const { user } = useUserSession()
  if (user.value?.role !== 'admin') return navigateTo('/pipeline')
})
