/**
 * A session ended elsewhere (from "My account" on another device, by an admin, a password
 * reset): the next API answer is 401, and the page goes to sign-in instead of showing errors.
 * Wraps the browser's fetch, which every `$fetch` and `useFetch` goes through.
 */
export default defineNuxtPlugin(() => {
  const { session } = useUserSession()
  const router = useRouter()
  const original = window.fetch.bind(window)
  const watched = (url: string) => {
    const path = new URL(url, window.location.origin)
    return path.origin === window.location.origin && (path.pathname.startsWith('/api/v1/') || path.pathname === '/api/auth/me')
  }
  window.fetch = async (input, init) => {
    const response = await original(input, init)
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (response.status === 401 && session.value?.user && watched(url)) {
      session.value = null
      const here = router.currentRoute.value
      if (here.path !== '/login') await router.push({ path: '/login', query: here.fullPath === '/' ? {} : { redirect: here.fullPath } })
    }
    return response
  }
})
