import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

describe('signing up, out and in', () => {
  it('signs up a company, signs out, refuses a bad password, and signs back in', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const email = `founder-${Date.now()}@initech.test`
    await page.goto(`${baseURL}/signup`, { waitUntil: 'networkidle' })
    await page.getByLabel('Company').fill('Initech')
    await page.getByLabel('Your name').fill('Peter Gibbons')
    await page.getByLabel('Work email').fill(email)
    await page.getByLabel('Password').fill('tps-reports-2026')
    await page.screenshot({ path: `${SCREENSHOTS}/signup.png` })
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(url => url.pathname === '/pipeline')
    await page.getByText('Peter Gibbons').waitFor()
    await page.locator('section[data-stage="new"]').waitFor()
    await expect(page.locator('[data-testid=board-card]').count()).resolves.toBe(0)

    // An admin sees the settings and can invite someone; the link is shown once.
    await page.getByRole('link', { name: 'People' }).click()
    await page.waitForURL(url => url.pathname === '/settings/users')
    await page.getByRole('button', { name: 'Invite' }).click()
    await page.getByLabel('Name').fill('Milton Waddams')
    await page.getByLabel('Email').fill(`milton-${Date.now()}@initech.test`)
    await page.getByRole('button', { name: 'Create invitation' }).click()
    await expect(page.getByTestId('invite-url').inputValue()).resolves.toMatch(/\/invite\/[\w-]{40,}$/)
    await page.screenshot({ path: `${SCREENSHOTS}/settings-invite.png` })
    await page.getByRole('button', { name: 'Done' }).click()
    await page.getByRole('dialog').waitFor({ state: 'detached' })
    await page.screenshot({ path: `${SCREENSHOTS}/settings-users.png` })

    await page.getByRole('link', { name: 'Billing' }).click()
    await page.getByText('Billing is not configured on this server').waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/settings-billing.png` })

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(url => url.pathname === '/login')

    await signIn(page, baseURL, email, 'not-my-password')
    await expect(page.getByTestId('form-error').textContent()).resolves.toContain('Wrong email or password')
    await page.screenshot({ path: `${SCREENSHOTS}/login-wrong-password.png` })

    await page.getByLabel('Password').fill('tps-reports-2026')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(url => url.pathname === '/pipeline')
    await page.close()
  })

  it('shows the field the server refused on the sign-up form', async () => {
    const page = await browser.newPage()
    await page.goto(`${baseURL}/signup`, { waitUntil: 'networkidle' })
    await page.getByLabel('Company').fill('Dupe')
    await page.getByLabel('Your name').fill('Dupe')
    await page.getByLabel('Work email').fill('admin@demo.momentum.test')
    await page.getByLabel('Password').fill('long-enough-password')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByText('use another email, or sign in if you already have an account').waitFor()
    expect(page.url()).toContain('/signup')
    await page.close()
  })
})
