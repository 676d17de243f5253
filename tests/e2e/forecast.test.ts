import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../server/domain/demo/seed'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
const [, managerLogin, riley] = DEMO_LOGINS
let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

describe('forecast and analytics pages', () => {
  it('shows a manager the team rollup with real numbers and saves an adjustment beside the computed number', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    await signIn(page, baseURL, managerLogin.email, DEMO_PASSWORD)
    await page.waitForURL(url => url.pathname === '/pipeline')
    await page.locator('a[href="/forecast"]').first().click()
    await page.waitForURL(url => url.pathname === '/forecast')
    const table = page.getByTestId('forecast-table')
    await table.locator('[data-level=owner]').first().waitFor()
    const names = await table.locator('[data-level=owner]').allTextContents()
    expect(names).toEqual(expect.arrayContaining(['Riley Chen', 'Sam Okafor', 'Jordan Alvarez']))
    expect(await table.locator('[data-level=team]').allTextContents()).toEqual(['Enterprise West'])
    expect(await table.textContent()).toMatch(/\$\d/)

    await table.locator('tr', { hasText: 'Sam Okafor' }).getByTestId('adjust').click()
    await page.getByTestId('adjust-note').fill('Sam expects the Initech renewal this quarter')
    await page.getByTestId('adjust-save').click()
    await table.locator('tr', { hasText: 'Sam Okafor' }).getByTestId('adjusted-note').waitFor()
    // Reloaded, the adjustment is still there beside the computed number.
    await page.reload({ waitUntil: 'networkidle' })
    await table.locator('tr', { hasText: 'Sam Okafor' }).getByTestId('adjusted-note').waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/forecast-manager.png`, fullPage: true })

    await page.locator('a[href="/analytics"]').first().click()
    await page.waitForURL(url => url.pathname === '/analytics')
    for (const chart of ['chart-pipeline', 'chart-forecast', 'chart-funnel', 'chart-time']) {
      await page.getByTestId(chart).locator('svg').first().waitFor()
    }
    expect(await page.getByTestId('table-win-rate').locator('tbody tr').count()).toBeGreaterThan(0)
    await page.waitForTimeout(500)
    await page.screenshot({ path: `${SCREENSHOTS}/analytics-manager.png`, fullPage: true })
    await page.close()
  })

  it('shows a rep only their own forecast, without adjustment controls', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await signIn(page, baseURL, riley.email, DEMO_PASSWORD)
    await page.waitForURL(url => url.pathname === '/pipeline')
    await page.goto(`${baseURL}/forecast`)
    const table = page.getByTestId('forecast-table')
    await table.locator('[data-level=owner]').first().waitFor()
    expect(await table.locator('[data-level=owner]').allTextContents()).toEqual(['Riley Chen'])
    expect(await table.getByTestId('adjust').count()).toBe(0)
    await page.screenshot({ path: `${SCREENSHOTS}/forecast-rep.png` })
    await page.close()
  })
})
