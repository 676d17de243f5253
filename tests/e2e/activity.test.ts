import { readFile } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../server/domain/demo/seed'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

async function signedIn(email: string, width: number) {
  const context = await browser.newContext({ viewport: { width, height: width > 500 ? 900 : 844 }, acceptDownloads: true })
  const page = await context.newPage()
  await signIn(page, baseURL, email, DEMO_PASSWORD)
  await page.waitForURL(url => url.pathname !== '/login')
  return page
}

describe('the activity report and my week', () => {
  for (const login of DEMO_LOGINS.slice(0, 3)) {
    for (const width of [1440, 390]) {
      it(`as ${login.role} at ${width} px: the report's table, chart and leaderboard, and my week`, async () => {
        const page = await signedIn(login.email, width)
        await page.goto(`${baseURL}/reports/activity`, { waitUntil: 'networkidle' })
        await page.getByTestId('activity-table').waitFor()
        await page.getByTestId('activity-chart').locator('svg').first().waitFor({ timeout: 15_000 })
        await page.getByTestId('activity-leaderboard').waitFor()
        expect(await page.getByTestId('set-targets').count()).toBe(login.role === 'rep' ? 0 : 1)
        await page.screenshot({ path: `${SCREENSHOTS}/activity-${login.role}-${width}.png`, fullPage: true })
        await page.goto(`${baseURL}/my-week`, { waitUntil: 'networkidle' })
        await page.getByTestId('my-week-summary').waitFor()
        await page.getByTestId('my-week-table').waitFor()
        await page.screenshot({ path: `${SCREENSHOTS}/my-week-${login.role}-${width}.png`, fullPage: true })
        await page.context().close()
      })
    }
  }

  it('downloads the report as CSV and the chart as PNG; a manager sets a target and sees it', async () => {
    const page = await signedIn(DEMO_LOGINS[1].email, 1440)
    await page.goto(`${baseURL}/reports/activity`, { waitUntil: 'networkidle' })
    await page.getByTestId('activity-chart').locator('svg').first().waitFor({ timeout: 15_000 })
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('activity-csv').click()])
    expect(csv.suggestedFilename()).toMatch(/^activity-owner-.*\.csv$/)
    expect((await readFile((await csv.path())!, 'utf8')).split('\n')[0]).toMatch(/^key,label,calls,callsConnected,/)
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('activity-png').click()])
    expect(png.suggestedFilename()).toMatch(/\.png$/)
    const bytes = await readFile((await png.path())!)
    expect(bytes.subarray(1, 4).toString()).toBe('PNG')
    await page.getByTestId('set-targets').click()
    const dialog = page.getByRole('dialog')
    await dialog.getByLabel('Calls per week', { exact: true }).fill('35')
    await dialog.getByRole('button', { name: 'Save targets' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await page.getByTestId('activity-table').getByText(/of \d/).first().waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/activity-manager-targets.png`, fullPage: true })
    await page.context().close()
  })
})
