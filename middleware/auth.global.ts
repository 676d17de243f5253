/** Signed-out visitors go to the sign-in screen, and come back where they were going. */
export default defineNuxtRouteMiddleware((to) => {
  const { loggedIn } = useUserSession()
  if (!loggedIn.value && to.path !== '/login') {
    return navigateTo({ path: '/login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } })
  }
  if (loggedIn.value && to.path === '/login') return navigateTo('/pipeline')
})
