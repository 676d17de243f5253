import { config } from 'zod'

/**
 * Zod probes for `eval` (`new Function`) to compile its parsers; the page's CSP forbids eval,
 * so the probe would only raise a CSP violation. Tell it up front to parse without compiling.
 */
export default defineNuxtPlugin(() => {
  config({ jitless: true })
})
