import { authenticator } from 'otplib'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { Client, signUp, unique } from '../support/http'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

// A person of a company this file signs up (not a demo user) turns on two-factor in the browser,
// reading the secret off the page and computing codes with otplib, then signs in with a code.

const baseURL = inject('baseURL')
let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

const STEP_MS = 30_000
const lastStep = new Map<string, number>()
/** A code of a time step later than any used for this secret (waiting for it to be within ±1 step of now). */
async function nextCode(secret: string) {
  let current = Math.floor(Date.now() / STEP_MS)
  const step = Math.max(current, (lastStep.get(secret) ?? 0) + 1)
  while (step > current + 1) {
    await new Promise(resolve => setTimeout(resolve, (current + 1) * STEP_MS - Date.now() + 50))
    current = Math.floor(Date.now() / STEP_MS)
  }
  lastStep.set(secret, step)
  return authenticator.clone({ epoch: step * STEP_MS }).generate(secret)
}

/** Enrols on the two-factor screen: answers the secret read from the page. */
async function enrolOnPage(page: Page, shot: string) {
  await page.goto(`${baseURL}/two-factor`, { waitUntil: 'networkidle' })
  await page.getByTestId('two-factor-enable').click()
  await page.getByTestId('two-factor-qr').locator('svg').waitFor()
  const secret = (await page.getByTestId('two-factor-secret').getAttribute('data-secret'))!
  expect(secret).toMatch(/^[A-Z2-7]{32}$/)
  // What is shown for typing is the same key in groups of four.
  expect((await page.getByTestId('two-factor-secret').innerText()).replaceAll(' ', '')).toBe(secret)
  await page.screenshot({ path: `${SCREENSHOTS}/${shot}-enrol.png`, fullPage: true })
  await page.getByTestId('two-factor-code').fill(await nextCode(secret))
  await page.getByTestId('two-factor-confirm').click()
  await page.getByTestId('recovery-codes').waitFor()
  await expect(page.getByTestId('recovery-codes').locator('li').count()).resolves.toBe(10)
  await page.screenshot({ path: `${SCREENSHOTS}/${shot}-recovery-codes.png`, fullPage: true })
  await page.getByTestId('recovery-codes-done').click()
  await expect(page.getByTestId('two-factor-status').innerText()).resolves.toBe('On')
  return secret
}

describe('two-factor authentication in the browser', () => {
  it('a person enrols TOTP from the QR screen, then signs in with a code; an admin requires it and resets a member\'s', async () => {
    const { email, password } = await signUp(baseURL)
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await context.newPage()
    await signIn(page, baseURL, email, password)
    await page.waitForURL(url => url.pathname === '/pipeline')
    const secret = await enrolOnPage(page, 'two-factor')

    // Signing in again: the password, then the code step.
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(url => url.pathname === '/login')
    await signIn(page, baseURL, email, password)
    await page.getByTestId('mfa-step').waitFor()
    const codeInput = page.getByTestId('mfa-step').locator('input[autocomplete="one-time-code"]')
    await expect(codeInput.count()).resolves.toBe(1)
    const near = [-1, 0, 1].map(s => authenticator.clone({ epoch: Date.now() + s * STEP_MS }).generate(secret))
    await codeInput.fill(near.includes('000000') ? '111111' : '000000')
    await page.getByTestId('mfa-submit').click()
    await expect(page.getByTestId('form-error').textContent()).resolves.toContain('Wrong code')
    await page.screenshot({ path: `${SCREENSHOTS}/login-mfa-step.png` })
    await codeInput.fill(await nextCode(secret))
    await page.getByTestId('mfa-submit').click()
    await page.waitForURL(url => url.pathname === '/pipeline')

    // The admin requires two-factor for the workspace (they have it on).
    await page.goto(`${baseURL}/settings/general`, { waitUntil: 'networkidle' })
    await page.getByTestId('require-mfa').click()
    await page.getByText('Everyone now signs in with two-factor.').first().waitFor()
    await expect.poll(() => page.getByRole('switch', { name: 'Require two-factor for everyone' }).getAttribute('aria-checked')).toBe('true')
    await page.screenshot({ path: `${SCREENSHOTS}/settings-general-require-mfa.png`, fullPage: true })

    // A member invited now is sent to enrol before anything else.
    const invite = await page.evaluate(async (who) => {
      const headers = { 'content-type': 'application/json' }
      const answer = await fetch('/api/v1/users', { method: 'POST', headers, body: JSON.stringify(who) })
      return answer.json() as Promise<{ id: string, inviteUrl: string }>
    }, { email: `${unique('member')}@mfa-e2e.test`, name: 'Mia Member', role: 'rep' })
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const member = await phone.newPage()
    await member.goto(invite.inviteUrl.replace(/^https?:\/\/[^/]+/, baseURL), { waitUntil: 'networkidle' })
    await member.getByLabel('Choose a password').fill('member-password-1')
    await member.getByRole('button', { name: 'Join' }).click()
    await member.waitForURL(url => url.pathname === '/two-factor')
    await member.getByText('Your workspace requires two-factor authentication').first().waitFor()
    await member.screenshot({ path: `${SCREENSHOTS}/two-factor-required-phone.png`, fullPage: true })
    await enrolOnPage(member, 'two-factor-phone')
    await member.goto(`${baseURL}/pipeline`, { waitUntil: 'networkidle' })
    expect(new URL(member.url()).pathname).toBe('/pipeline')

    // The admin resets the member's second factor from Settings → People.
    await page.goto(`${baseURL}/settings/users`, { waitUntil: 'networkidle' })
    await page.getByTestId(`reset-mfa-${invite.id}`).click()
    await page.getByText('Two-factor reset for Mia Member').first().waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/settings-users-mfa.png`, fullPage: true })
    await expect(page.getByTestId(`reset-mfa-${invite.id}`).count()).resolves.toBe(0)
    // Their session has ended.
    expect((await new Client(baseURL, { cookie: (await phone.cookies()).map(c => `${c.name}=${c.value}`).join('; ') })
      .get('/api/v1/deals')).status).toBe(401)
    await phone.close()
    await context.close()
  })
})
