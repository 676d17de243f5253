import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { signUp } from '../support/http'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

describe('the email tracking settings', () => {
  it('connects Mailgun, shows the webhook and inbound URLs once, and lists the connection without its key', async () => {
    const { email, password } = await signUp(baseURL)
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await signIn(page, baseURL, email, password)
    await page.waitForURL(url => url.pathname === '/pipeline')
    await page.locator('a[href="/settings/email"]').click()
    await page.waitForURL(url => url.pathname === '/settings/email', { waitUntil: 'networkidle' })
    // The provider menu: a click that lands while the page is still hydrating opens nothing, so try again.
    const mailgun = page.getByRole('option', { name: 'Mailgun' })
    for (let attempt = 0; attempt < 5 && !(await mailgun.isVisible()); attempt++) {
      await page.getByRole('combobox').first().click()
      await mailgun.waitFor({ timeout: 3_000 }).catch(() => undefined)
    }
    await mailgun.click()
    await page.getByLabel('HTTP webhook signing key').fill('key-0123456789abcdef0123')
    await page.getByRole('button', { name: 'Connect' }).click()
    await page.getByText('Inbound replies:').waitFor()
    const alert = await page.getByText('Inbound replies:').textContent()
    expect(alert).toMatch(/\/api\/webhooks\/email\/inbound\/[0-9a-f-]{36}\?token=/)
    const table = await page.locator('table').first().textContent()
    expect(table).toContain('mailgun')
    expect(await page.content()).not.toContain('key-0123456789abcdef0123')
    await page.screenshot({ path: `${SCREENSHOTS}/settings-email.png`, fullPage: true })
    await page.close()
  })

  it('sets how long raw payloads are kept (30 days by default), kept after a reload', async () => {
    const { email, password } = await signUp(baseURL)
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await signIn(page, baseURL, email, password)
    await page.waitForURL(url => url.pathname === '/pipeline')
    await page.goto(`${baseURL}/settings/email`, { waitUntil: 'networkidle' })
    await expect(page.getByTestId('raw-payloads').textContent()).resolves.toBe('0 raw payloads held now.')
    const days = page.getByLabel('Keep raw payloads for (days)')
    await expect(days.inputValue()).resolves.toBe('30')
    await days.fill('14')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByText('Raw payloads are kept 14 days.').first().waitFor()
    await page.reload({ waitUntil: 'networkidle' })
    await expect(page.getByLabel('Keep raw payloads for (days)').inputValue()).resolves.toBe('14')
    await page.getByRole('heading', { name: 'Raw payload retention' }).scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SCREENSHOTS}/settings-email-retention.png`, fullPage: true })
    await page.close()
  })
})
