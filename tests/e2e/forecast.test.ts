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

  it('lets a manager set a quota on the page, shown in the table and the chart', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await signIn(page, baseURL, managerLogin.email, DEMO_PASSWORD)
    await page.waitForURL(url => url.pathname === '/pipeline')
    await page.goto(`${baseURL}/forecast`, { waitUntil: 'networkidle' })
    const table = page.getByTestId('forecast-table')
    await page.getByTestId('set-quotas').click()
    const form = page.getByTestId('quota-form')
    await form.waitFor()
    // A manager sets their reps' quotas, not their own.
    expect(await form.getByLabel('Quota for Maya Manager').count()).toBe(0)
    const sam = form.getByLabel('Quota for Sam Okafor')
    await sam.fill('321000')
    await sam.press('Tab')
    await page.getByTestId('quota-save').click()
    await form.waitFor({ state: 'detached' })
    await expect(table.locator('tr', { hasText: 'Sam Okafor' }).getByTestId('quota').textContent()).resolves.toBe('$321,000')
    const chart = page.getByTestId('forecast-chart')
    await chart.locator('svg').first().waitFor()
    expect(await chart.locator('figcaption').textContent()).toContain('Sam Okafor: commit')
    expect(await chart.locator('figcaption').textContent()).toMatch(/Sam Okafor: [^\n]*quota \$321,000/)
    expect(await page.getByTestId('momentum-explained').textContent()).toContain('win probability')
    await page.screenshot({ path: `${SCREENSHOTS}/forecast-quota.png`, fullPage: true })
    await page.close()
  })

  it('keeps Adjust in view without scrolling sideways, at 1440 px and on a 768 px tablet', async () => {
    for (const viewport of [{ width: 1440, height: 900 }, { width: 768, height: 1024 }]) {
      const page = await browser.newPage({ viewport })
      await signIn(page, baseURL, managerLogin.email, DEMO_PASSWORD)
      await page.waitForURL(url => url.pathname === '/pipeline')
      await page.goto(`${baseURL}/forecast`, { waitUntil: 'networkidle' })
      const button = page.getByTestId('forecast-table').locator('tr', { hasText: 'Jordan Alvarez' }).getByTestId('adjust')
      await button.waitFor()
      const box = (await button.boundingBox())!
      expect(box.x, `${viewport.width}px`).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width, `${viewport.width}px`).toBeLessThanOrEqual(viewport.width)
      // Nothing covers it: the element at its centre is the button (or inside it).
      const onTop = await page.evaluate(({ x, y }) => {
        const hit = document.elementFromPoint(x, y)
        return Boolean(hit?.closest('[data-testid=adjust]'))
      }, { x: box.x + box.width / 2, y: box.y + box.height / 2 })
      expect(onTop, `${viewport.width}px`).toBe(true)
      await page.screenshot({ path: `${SCREENSHOTS}/forecast-adjust-${viewport.width}.png` })
      await button.click()
      await page.getByTestId('adjust-form').waitFor()
      await page.close()
    }
  })

  it('loads /forecast directly for a rep, a manager and an admin without a console error or hydration warning', async () => {
    for (const login of DEMO_LOGINS.slice(0, 3)) {
      for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
        const page = await browser.newPage({ viewport })
        await signIn(page, baseURL, login.email, DEMO_PASSWORD)
        await page.waitForURL(url => url.pathname === '/pipeline')
        const problems: string[] = []
        page.on('pageerror', error => problems.push(`page error: ${error.message}`))
        page.on('console', (message) => {
          if (message.type() === 'error' || /hydration/i.test(message.text())) problems.push(`${message.type()}: ${message.text()}`)
        })
        for (const path of ['/forecast', '/analytics']) {
          await page.goto(`${baseURL}${path}`, { waitUntil: 'networkidle' })
          await page.locator('[data-slot=body]:visible').first().waitFor()
          await page.waitForTimeout(300)
          await page.screenshot({ path: `${SCREENSHOTS}${path}-${login.email.split('@')[0]}-${viewport.width}.png`, fullPage: true })
          expect(problems, `${login.email} ${path} ${viewport.width}px`).toEqual([])
          // Rates are percentages, never raw fractions like 0.837.
          expect(await page.locator('[data-slot=body]:visible').first().innerText(), path).not.toMatch(/\b0\.\d{3}\b/)
        }
        await page.close()
      }
    }
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
