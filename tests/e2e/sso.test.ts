import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { signUp, unique } from '../support/http'
import { startOidcProvider, type OidcProvider } from '../support/oidc'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

// Single sign-on in the browser, through a real OpenID provider on 127.0.0.1 (tests/support/oidc.ts):
// an admin sets it up in Settings → Single sign-on, then someone new signs in with it and lands on
// the dashboard as a rep of that workspace (just-in-time provisioning).

const baseURL = inject('baseURL')
const domain = `${unique('initrode')}.test`
let browser: Browser
let provider: OidcProvider
let org: Awaited<ReturnType<typeof signUp>>
beforeAll(async () => {
  browser = await launchChromium()
  provider = await startOidcProvider({
    redirectUri: `${baseURL}/api/auth/sso/callback`,
    accounts: { nora: { email: `nora@${domain}`, email_verified: true, name: 'Nora Newcomer' } },
  })
  org = await signUp(baseURL)
})
afterAll(async () => {
  await browser?.close()
  await provider?.close()
})

/** The app's page errors, console errors and hydration warnings from now on (not the test provider's pages). */
function problemsOf(page: Page) {
  const problems: string[] = []
  page.on('pageerror', error => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.location().url.startsWith(provider.issuer)) return
    if (message.type() === 'error' || /hydration/i.test(message.text()))
      problems.push(`${message.type()}: ${message.text()} (${message.location().url})`)
  })
  return problems
}

describe('single sign-on', () => {
  it('is set up by an admin in Settings → Single sign-on', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await signIn(page, baseURL, org.email, org.password)
    await page.waitForURL(url => url.pathname !== '/login')
    const problems = problemsOf(page)
    await page.goto(`${baseURL}/settings/sso`, { waitUntil: 'networkidle' })
    expect(await page.getByTestId('sso-redirect-uri').inputValue()).toBe(`${baseURL}/api/auth/sso/callback`)
    await page.getByTestId('sso-issuer').fill(provider.issuer)
    await page.getByTestId('sso-client-id').fill(provider.client.clientId)
    await page.getByTestId('sso-client-secret').fill(provider.client.clientSecret)
    const domains = page.getByTestId('sso-domains') // the tags' input
    await domains.fill(domain.toUpperCase())
    await domains.press('Enter')
    await page.getByRole('switch', { name: 'Create accounts on first sign-in' }).click()
    await page.getByTestId('sso-save').click()
    await page.getByTestId('sso-secret-set').waitFor()
    expect(await page.getByTestId('sso-client-secret').inputValue()).toBe('')
    await page.locator('[data-slot=item]', { hasText: domain }).waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/sso-settings-1440.png`, fullPage: true })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.reload({ waitUntil: 'networkidle' })
    await page.getByTestId('sso-secret-set').waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/sso-settings-390.png`, fullPage: true })
    const saved = await page.evaluate(async () => (await fetch('/api/v1/sso')).json())
    expect(saved).toMatchObject({ configured: true, domains: [domain], jitProvisioning: true, ssoOnly: false, clientSecretSet: true })
    expect(problems).toEqual([])
    await page.close()
  })

  it('signs someone new in through the provider, into the right workspace as a rep, and lands on the dashboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await context.newPage()
    const problems = problemsOf(page)
    await page.goto(`${baseURL}/login`, { waitUntil: 'networkidle' })
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click()
    await page.getByTestId('sso-email').fill(`nora@${domain}`)
    await page.screenshot({ path: `${SCREENSHOTS}/sso-login-1440.png` })
    await page.getByTestId('sso-continue').click()
    // The provider's own sign-in page (the test provider asks which account).
    await page.waitForURL(url => url.origin === provider.issuer)
    await page.getByLabel('Account').fill('nora')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(url => url.origin === baseURL && url.pathname === '/dashboard', { timeout: 20_000 })
    await page.locator('[data-slot=body]:visible').first().waitFor()
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).json())
    expect(me.tenant.id).toBe(org.tenant.id)
    expect(me.user).toMatchObject({ email: `nora@${domain}`, name: 'Nora Newcomer', role: 'rep' })
    await page.screenshot({ path: `${SCREENSHOTS}/sso-dashboard-1440.png` })
    expect(problems).toEqual([])
    await context.close()
  })

  it('says in words why a single sign-on was refused, on a phone too', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } })
    const problems = problemsOf(page)
    await page.goto(`${baseURL}/login?sso_error=email_not_verified`, { waitUntil: 'networkidle' })
    expect(await page.getByTestId('sso-error').innerText()).toContain('has not verified your email address')
    await page.screenshot({ path: `${SCREENSHOTS}/sso-login-error-390.png` })
    // An address nobody's single sign-on covers comes back to the sign-in page, with the reason.
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click()
    await page.getByTestId('sso-email').fill(`someone@${unique('nobody')}.test`)
    await page.screenshot({ path: `${SCREENSHOTS}/sso-login-390.png` })
    await page.getByTestId('sso-continue').click()
    await page.waitForURL(url => url.searchParams.get('sso_error') === 'no_provider')
    await page.getByTestId('sso-error').waitFor()
    expect(await page.getByTestId('sso-error').innerText()).toContain('not set up for this email domain')
    expect(problems).toEqual([])
    await page.close()
  })
})
