import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../server/domain/demo/seed'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
const [adminLogin, , riley] = DEMO_LOGINS
const SETTINGS = ['general', 'users', 'api-keys', 'momentum', 'email', 'automation', 'salesforce', 'import', 'audit', 'billing']
let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

async function signedIn(login: { email: string }, viewport: { width: number, height: number }) {
  const page = await browser.newPage({ viewport })
  await signIn(page, baseURL, login.email, DEMO_PASSWORD)
  await page.waitForURL(url => url.pathname === '/pipeline')
  return page
}

/** Page errors, console errors and hydration warnings from now on. */
function problemsOf(page: Page) {
  const problems: string[] = []
  page.on('pageerror', error => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' || /hydration/i.test(message.text())) problems.push(`${message.type()}: ${message.text()}`)
  })
  return problems
}

describe('the settings pages', () => {
  it('each loads directly for an admin, on a desktop and a phone, without a page error, console error or hydration warning',
    async () => {
      for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
        const page = await signedIn(adminLogin, viewport)
        const problems = problemsOf(page)
        for (const name of SETTINGS) {
          const answer = await page.goto(`${baseURL}/settings/${name}`, { waitUntil: 'networkidle' })
          expect(answer?.status(), name).toBe(200)
          await page.locator('[data-slot=body]:visible').first().waitFor()
          await page.waitForTimeout(300) // hydration warnings are logged once the page is live
          await page.screenshot({ path: `${SCREENSHOTS}/settings-${name}-${viewport.width}.png`, fullPage: viewport.width > 400 })
          expect(problems, `/settings/${name} at ${viewport.width}px`).toEqual([])
        }
        await page.close()
      }
    })

  it('writes the audit log\'s details as labelled values, never [object Object]', async () => {
    const page = await signedIn(adminLogin, { width: 1440, height: 900 })
    // Two entries with details: the currency changed and back.
    for (const currency of ['EUR', 'USD']) {
      const status = await page.evaluate(async c => (await fetch('/api/v1/tenant', {
        method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ currency: c }),
      })).status, currency)
      expect(status).toBe(200)
    }
    await page.goto(`${baseURL}/settings/audit`, { waitUntil: 'networkidle' })
    const details = page.getByTestId('audit-details')
    await details.first().waitFor()
    const latest = await details.first().innerText()
    expect(latest).toMatch(/From\s+EUR/)
    expect(latest).toMatch(/To\s+USD/)
    expect(await page.locator('main, body').first().textContent()).not.toContain('[object Object]')
    expect(await page.locator('body').textContent()).toContain('Tenant: currency set')
    await page.screenshot({ path: `${SCREENSHOTS}/settings-audit-details.png` })
    await page.close()
  })

  it('lets an admin choose the tenant\'s currency, and the board and forecast total in it', async () => {
    const page = await signedIn(adminLogin, { width: 1440, height: 900 })
    await page.goto(`${baseURL}/settings/general`, { waitUntil: 'networkidle' })
    await page.getByTestId('currency').click()
    await page.getByRole('option', { name: /^EUR/ }).click()
    await page.getByTestId('currency-save').click()
    await page.getByText('Totals are shown in EUR.').first().waitFor()
    await page.goto(`${baseURL}/pipeline`, { waitUntil: 'networkidle' })
    await expect(page.getByTestId('open-value').textContent()).resolves.toMatch(/^€/)
    await page.goto(`${baseURL}/forecast`, { waitUntil: 'networkidle' })
    await expect(page.getByTestId('forecast-table').textContent()).resolves.toContain('€')
    // Back to dollars for the other tests.
    await page.evaluate(() => fetch('/api/v1/tenant', {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ currency: 'USD' }),
    }))
    await page.close()
  })

  it('tells a rep who opens an admin page that they have no access, rather than sending them elsewhere', async () => {
    for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
      const page = await signedIn(riley, viewport)
      const answer = await page.goto(`${baseURL}/settings/users`, { waitUntil: 'networkidle' })
      expect(answer?.status()).toBe(403)
      expect(new URL(page.url()).pathname).toBe('/settings/users')
      const message = page.getByTestId('error-page')
      await message.waitFor()
      expect(await message.textContent()).toContain('You don\'t have access to this page')
      await page.screenshot({ path: `${SCREENSHOTS}/settings-denied-${viewport.width}.png` })
      // The way back works.
      await page.getByRole('button', { name: 'Back to your pipeline' }).click()
      await page.waitForURL(url => url.pathname === '/pipeline')
      await page.close()
    }
  })

  it('lets an admin create a key that reads deals only, shown once, which then reads deals and may not write them', async () => {
    const page = await signedIn(adminLogin, { width: 1440, height: 900 })
    await page.goto(`${baseURL}/settings/api-keys`, { waitUntil: 'networkidle' })
    const form = page.getByTestId('api-key-form')
    await form.getByLabel('Key name').fill('Deals reader')
    for (const area of ['contacts', 'events', 'admin']) {
      await page.getByTestId(`access-${area}`).click()
      await page.getByRole('option', { name: 'No access' }).click()
    }
    expect(await page.getByTestId('scope-summary').textContent()).toBe('Deals: read')
    await form.getByLabel('Calls a minute').fill('120')
    await form.getByRole('button', { name: 'Create key' }).click()
    const shown = page.getByTestId('new-api-key')
    await shown.waitFor()
    const key = (await shown.textContent())!.match(/mk_[A-Za-z0-9_-]+/)![0]
    const row = page.getByRole('row', { name: /Deals reader/ })
    await row.waitFor()
    expect(await row.textContent()).toContain('Deals: read')
    expect(await row.textContent()).toContain('120 a minute')
    await page.screenshot({ path: `${SCREENSHOTS}/settings-api-key-created-1440.png`, fullPage: true })

    const call = (method: string, path: string) => fetch(`${baseURL}${path}`, {
      method, headers: { 'authorization': `Bearer ${key}`, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}',
    })
    expect((await call('GET', '/api/v1/deals')).status).toBe(200)
    const write = await call('POST', '/api/v1/deals')
    expect(write.status).toBe(403)
    expect((await write.json()).data).toEqual({ error: 'scope_required', scope: 'deals:write' })
    expect((await call('GET', '/api/v1/contacts')).status).toBe(403)
    await page.close()
  })
})
