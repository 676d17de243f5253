import { readFile } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../server/domain/demo/seed'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
const [admin, , riley] = DEMO_LOGINS
let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

describe('the report builder', () => {
  for (const [login, width] of [[admin, 1440], [riley, 390]] as const) {
    it(`builds a deals-by-stage bar report, previews it, saves it and reopens it (${login.role}, ${width} px)`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 1000 } })
      await signIn(page, baseURL, login.email, DEMO_PASSWORD)
      await page.waitForURL(url => url.pathname !== '/login')
      await page.goto(`${baseURL}/reports/new`, { waitUntil: 'networkidle' })
      // The builder opens on deals grouped by stage, counted, as bars.
      const preview = page.getByTestId('report-preview')
      await preview.locator('svg rect').nth(2).waitFor()
      expect(await preview.locator('th').allTextContents()).toEqual(['Stage', 'Count'])
      const name = `Deals by stage ${login.role}`
      await page.getByLabel('Report name').fill(name)
      await page.getByRole('button', { name: 'Save report' }).click()
      await page.waitForURL(url => /^\/reports\/[0-9a-f-]{36}$/.test(url.pathname))
      await page.screenshot({ path: `${SCREENSHOTS}/report-${login.role}-${width}.png`, fullPage: true })
      await page.goto(`${baseURL}/reports`, { waitUntil: 'networkidle' })
      await page.screenshot({ path: `${SCREENSHOTS}/reports-${login.role}-${width}.png`, fullPage: true })
      await page.getByRole('link', { name }).click()
      await page.waitForURL(url => /^\/reports\/[0-9a-f-]{36}$/.test(url.pathname))
      await page.getByTestId('report-preview').locator('svg rect').nth(2).waitFor()
      expect(await page.getByLabel('Report name').inputValue()).toBe(name)
      // The chart downloads as a PNG drawn in the browser.
      const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG' }).click()])
      expect(png.suggestedFilename()).toMatch(/\.png$/)
      expect((await readFile((await png.path())!)).subarray(1, 4).toString()).toBe('PNG')
      await page.close()
    })
  }
})
