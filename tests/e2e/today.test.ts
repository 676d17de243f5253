import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../server/domain/demo/seed'
import { Client, unique, type Json } from '../support/http'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
const [adminLogin, managerLogin, riley] = DEMO_LOGINS
let browser: Browser
// Two deals of Riley's that lost their next step last: their "no next step" alerts are the newest on Today.
const deals: Record<'plan' | 'snooze', { id: string, name: string }> = {} as never
let admin: Client
let started: Date
beforeAll(async () => {
  browser = await launchChromium()
  started = new Date(Date.now() - 1000)
  admin = await new Client(baseURL).login(adminLogin.email, DEMO_PASSWORD)
  const rep = await new Client(baseURL).login(riley.email, DEMO_PASSWORD)
  // Flag the deals without a next step first, so that the run after the new deals raises only theirs.
  expect((await admin.post('/api/v1/admin/tasks/tasks:reminders')).status).toBe(200)
  for (const key of ['plan', 'snooze'] as const) {
    const name = unique(`Today ${key}`)
    const created = await rep.post('/api/v1/deals', { name, amount: 42_000 })
    expect(created.status).toBe(201)
    deals[key] = { id: created.body.id, name }
  }
  // More unread reminders than the bell counts (tasks due an hour ago, on no deal).
  const due = new Date(Date.now() - 3_600_000).toISOString()
  for (let i = 0; i < 101; i++) expect((await rep.post('/api/v1/tasks', { title: `Paperwork ${i}`, dueAt: due })).status).toBe(201)
  expect((await admin.post('/api/v1/admin/tasks/tasks:reminders')).status).toBe(200)
})
afterAll(async () => {
  await browser?.close()
  // The other browser tests expect the demo's alerts: the "no next step" alerts raised here are dismissed.
  for (;;) {
    const raised = ((await admin.get('/api/v1/alerts?limit=500')).body.data as Json[])
      .filter(a => a.kind === 'no_next_step' && new Date(a.createdAt) >= started)
    if (!raised.length) break
    for (const alert of raised) expect((await admin.post(`/api/v1/alerts/${alert.id}/dismiss`)).status).toBe(200)
  }
})

/** Signs in and opens Today, live; answers the console errors and Vue warnings seen from then on. */
async function openToday(page: Page, login: { email: string }) {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || (message.type() === 'warning' && /hydrat|\[Vue warn\]/i.test(message.text())))
      problems.push(`${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', error => problems.push(`pageerror: ${error.message}`))
  await signIn(page, baseURL, login.email, DEMO_PASSWORD)
  await page.waitForURL(url => url.pathname === '/pipeline')
  await page.goto(`${baseURL}/dashboard`, { waitUntil: 'networkidle' })
  await page.locator('[data-testid=live][data-live=on]').waitFor()
  return problems
}
const alertOf = (page: Page, dealId: string) =>
  page.getByTestId('alert').filter({ has: page.locator(`[data-testid=alert-deal][href="/deals/${dealId}"]`) })
const openAlertIds = (page: Page) =>
  page.evaluate(async () => (await (await fetch('/api/v1/alerts?limit=500')).json()).data.map((a: Json) => a.id) as string[])

describe('Today, the rep\'s page', () => {
  it('lists alerts that name and link their deals, with the real count of open alerts', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await openToday(page, riley)
    const alerts = page.getByTestId('alert')
    expect(await alerts.count()).toBeGreaterThan(1)
    for (const alert of await alerts.all()) {
      const link = alert.getByTestId('alert-deal')
      expect(await link.getAttribute('href')).toMatch(/^\/deals\/[0-9a-f-]{36}$/)
      expect((await link.textContent())!.trim().length).toBeGreaterThan(0)
      expect(await alert.getByTestId('alert-action').count()).toBe(1)
    }
    await alertOf(page, deals.plan.id).waitFor()
    expect(await alertOf(page, deals.plan.id).getByTestId('alert-deal').textContent()).toBe(deals.plan.name)
    expect(await alertOf(page, deals.plan.id).getByTestId('alert-action').textContent()).toContain('Plan next step')

    // The count is every open alert of Riley's, not the ten listed.
    const total = await page.evaluate(async () => (await (await fetch('/api/v1/alerts?limit=1')).json()).total as number)
    expect(total).toBeGreaterThan(10)
    expect(await page.getByTestId('headline-alerts').textContent()).toContain(total.toLocaleString('en-US'))
    expect(await page.getByTestId('alerts-total').textContent()).toContain(total.toLocaleString('en-US'))

    // The focus list and the alerts come before the board; board cards show the chance of winning.
    const alertsTop = (await page.getByTestId('alerts-section').boundingBox())!.y
    expect(alertsTop).toBeLessThan((await page.getByTestId('board').boundingBox())!.y)
    expect(await page.locator('[data-testid=board-card] [data-testid=win-probability]').first().textContent()).toMatch(/^\d{1,3} %$/)
    // Recent activity links its deals.
    expect(await page.getByTestId('recent-deal').first().getAttribute('href')).toMatch(/^\/deals\//)
    await page.screenshot({ path: `${SCREENSHOTS}/today-rep.png` })
    await page.getByTestId('board').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SCREENSHOTS}/today-rep-board.png` })
    await page.getByTestId('recent').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SCREENSHOTS}/today-rep-recent.png` })

    await alertOf(page, deals.plan.id).getByTestId('alert-deal').click()
    await page.waitForURL(url => url.pathname === `/deals/${deals.plan.id}`)
    await page.close()
  })

  it('snoozes an alert until tomorrow and brings it back with Undo; dismisses one and restores it with Undo', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await openToday(page, riley)
    const alert = alertOf(page, deals.snooze.id)
    await alert.waitFor()
    const id = (await alert.getAttribute('data-alert'))!
    const before = Number((await page.getByTestId('headline-alerts').textContent())!.replace(/\D/g, ''))

    await alert.getByTestId('snooze-alert').click()
    await page.getByTestId('snooze-menu').waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/today-snooze-menu.png` })
    await page.getByTestId('snooze-tomorrow').click()
    await expect.poll(() => alert.count()).toBe(0)
    await page.getByText(/^Snoozed until /).first().waitFor()
    expect(await openAlertIds(page)).not.toContain(id)
    expect(Number((await page.getByTestId('headline-alerts').textContent())!.replace(/\D/g, ''))).toBe(before - 1)
    await page.screenshot({ path: `${SCREENSHOTS}/today-snoozed.png` })

    await page.getByRole('button', { name: 'Undo' }).first().click()
    await alert.waitFor()
    await expect.poll(() => openAlertIds(page)).toContain(id)
    expect(Number((await page.getByTestId('headline-alerts').textContent())!.replace(/\D/g, ''))).toBe(before)

    await alert.getByTestId('dismiss-alert').click()
    await expect.poll(() => alert.count()).toBe(0)
    await page.getByText('Alert dismissed').first().waitFor()
    expect(await openAlertIds(page)).not.toContain(id)
    await page.getByRole('button', { name: 'Undo' }).last().click()
    await alert.waitFor()
    await expect.poll(() => openAlertIds(page)).toContain(id)
    await page.close()
  })

  it('plans a next step from a "no next step" alert: the task is created and the alert settled', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await openToday(page, riley)
    const alert = alertOf(page, deals.plan.id)
    await alert.getByTestId('alert-action').click()
    const form = alert.getByTestId('plan-form')
    await form.getByLabel('Next step').fill('Send the pricing proposal')
    await page.screenshot({ path: `${SCREENSHOTS}/today-plan.png` })
    await form.getByRole('button', { name: 'Add the next step' }).click()
    await expect.poll(() => alert.count()).toBe(0)
    await page.getByText(`Next step planned on ${deals.plan.name}`).first().waitFor()
    const tasks = await page.evaluate(
      async id => (await (await fetch(`/api/v1/tasks?dealId=${id}`)).json()).data as { title: string, dueAt: string }[],
      deals.plan.id,
    )
    expect(tasks.map(t => t.title)).toEqual(['Send the pricing proposal'])
    expect(new Date(tasks[0]!.dueAt).getTime()).toBeGreaterThan(Date.now())
    const resolved = await page.evaluate(
      async id => (await (await fetch(`/api/v1/alerts?state=resolved&dealId=${id}`)).json()).total as number,
      deals.plan.id,
    )
    expect(resolved).toBe(1)
    await page.close()
  })

  it('keeps the focus list and the alerts within one screen from the top at 390 x 844', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    const problems = await openToday(phone, riley)
    const focus = (await phone.getByTestId('focus').boundingBox())!
    const alerts = (await phone.getByTestId('alerts-section').boundingBox())!
    expect(focus.y).toBeLessThan(844)
    expect(alerts.y).toBeLessThan(844)
    // The first alert's actions are within one scroll, at thumb size.
    const snooze = (await phone.getByTestId('alert').first().getByTestId('snooze-alert').boundingBox())!
    expect(snooze.y + snooze.height).toBeLessThanOrEqual(2 * 844)
    expect(snooze.height).toBeGreaterThanOrEqual(40)
    // Nothing is wider than the screen: the page, the focus list, the alerts.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    for (const list of ['focus', 'alerts']) {
      const widths = await phone.getByTestId(list).evaluate(el => [el.scrollWidth, el.clientWidth])
      expect(widths[0], list).toBeLessThanOrEqual(widths[1]!)
    }
    // The bell's count stops at 99+, in a pill that holds it, inside the navbar.
    const badge = phone.getByTestId('notifications-button').locator('xpath=..').locator('[data-slot=base]')
    await badge.waitFor()
    expect(await badge.textContent()).toBe('99+')
    const pill = await badge.evaluate(el => [el.scrollWidth, el.clientWidth, el.getBoundingClientRect().right])
    expect(pill[0]).toBeLessThanOrEqual(pill[1]!)
    expect(pill[2]).toBeLessThanOrEqual(390)
    await phone.screenshot({ path: `${SCREENSHOTS}/today-phone.png` })
    expect(problems).toEqual([])
    await phone.close()
  })

  it('renders Today without console errors or hydration warnings for a rep, a manager and an admin', async () => {
    for (const login of [riley, managerLogin, adminLogin]) {
      for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
        const context = await browser.newContext({ viewport, isMobile: viewport.width < 640, hasTouch: viewport.width < 640 })
        const page = await context.newPage()
        const problems = await openToday(page, login)
        await page.getByTestId('alerts').waitFor()
        const role = login.email.split('@')[0]
        await page.screenshot({ path: `${SCREENSHOTS}/today-${role}-${viewport.width}.png` })
        expect(problems, `${login.email} at ${viewport.width}`).toEqual([])
        await context.close()
      }
    }
  })
})
