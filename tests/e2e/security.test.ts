import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../server/domain/demo/seed'
import { launchChromium, signIn } from './setup/browser'

const baseURL = inject('baseURL')
let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

const PAGES = [
  '/dashboard',
  '/pipeline',
  '/deals',
  '/forecast',
  '/analytics',
  '/settings/users',
  '/settings/email',
  '/settings/import',
  '/settings/momentum',
  '/settings/billing',
]

describe('the Content-Security-Policy in the browser', () => {
  it('serves every page with a nonce CSP that Chromium enforces without a single violation, and the pages still work', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const violations: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to (execute|load|apply|connect)/i.test(message.text())) violations.push(message.text())
    })
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', e =>
        console.error(
          `Refused to load (CSP): ${e.violatedDirective} ${e.blockedURI} at ${document.location.pathname} `
          + `from ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`,
        ),
      )
    })
    const login = await page.goto(`${baseURL}/login`, { waitUntil: 'networkidle' })
    const csp = login!.headers()['content-security-policy']!
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/)
    expect(login!.headers()['x-frame-options']).toBe('DENY')
    expect(login!.headers()['x-content-type-options']).toBe('nosniff')
    // Every inline script the server rendered carries that nonce (the browser hides it from the DOM, so read the HTML).
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!
    const html = await (await fetch(`${baseURL}/login`)).text()
    expect(html).toMatch(/<script/)
    const freshNonce = /<script nonce="([^"]+)"/.exec(html)![1]
    for (const tag of html.match(/<script\b[^>]*>/g)!) expect(tag, tag).toContain(`nonce="${freshNonce}"`)
    expect(freshNonce).not.toBe(nonce) // a new nonce per response

    await signIn(page, baseURL, DEMO_LOGINS[0].email, DEMO_PASSWORD)
    await page.waitForURL(url => url.pathname !== '/login')
    for (const path of PAGES) {
      await page.goto(`${baseURL}${path}`, { waitUntil: 'networkidle' })
      await page.locator('main, [data-testid], h1').first().waitFor()
    }
    // Hydrated and interactive under the policy: client-side navigation works.
    await page.getByRole('link', { name: 'Pipeline' }).first().click()
    await page.waitForURL(url => url.pathname === '/pipeline')
    await page.locator('[data-testid=board-card]').first().waitFor()
    expect(violations).toEqual([])
  })

  it('refuses a cross-site form post that carries the session cookie', async () => {
    const page = await browser.newPage()
    await signIn(page, baseURL, DEMO_LOGINS[0].email, DEMO_PASSWORD)
    await page.waitForURL(url => url.pathname !== '/login')
    // The same request a hostile page's form would make, with the victim's cookie and a foreign Origin.
    const cookies = (await page.context().cookies()).map(c => `${c.name}=${c.value}`).join('; ')
    const forged = await fetch(`${baseURL}/api/v1/teams`, {
      method: 'POST',
      headers: { 'cookie': cookies, 'origin': 'https://evil.test', 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Forged' }),
    })
    expect(forged.status).toBe(403)
    expect((await forged.json()).data).toEqual({ error: 'csrf' })
    // The app's own page makes the same write fine.
    const own = await page.evaluate(
      async () =>
        (
          await fetch('/api/v1/teams', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: `Own ${Date.now()}` }),
          })
        ).status,
    )
    expect(own).toBe(201)
  })
})
