import { randomBytes } from 'node:crypto'
import { addNonce, pageCsp } from '../domain/security/headers'

/**
 * The Content-Security-Policy of rendered pages: a fresh nonce per response, put on every script
 * Nuxt renders inline (payload, config, color mode) and named in the policy.
 */
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('render:html', (html, { event }) => {
    const nonce = randomBytes(16).toString('base64')
    for (const part of [html.head, html.bodyPrepend, html.body, html.bodyAppend]) {
      for (let i = 0; i < part.length; i++) part[i] = addNonce(part[i]!, nonce)
    }
    setResponseHeader(event, 'Content-Security-Policy', pageCsp(nonce))
  })
})
