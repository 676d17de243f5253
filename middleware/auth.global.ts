/** Pages anyone may open; every other page needs a signed-in user. */
const PUBLIC = ['/login', '/signup', '/forgot-password', '/reset-password']
const isPublic = (path: string) => PUBLIC.includes(path) || path.startsWith('/invite/')

/** Signed-out visitors go to the sign-in screen, and come back where they were going. */
export default defineNuxtRouteMiddleware((to) => {
  const { loggedIn } = useUserSession()
  if (!loggedIn.value && !isPublic(to.path)) {
    return navigateTo({ path: '/login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } })
  }
  if (loggedIn.value && isPublic(to.path)) return navigateTo('/pipeline')
})
