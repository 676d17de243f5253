import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../server/domain/demo/seed'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
const [, managerLogin, , , jordan] = DEMO_LOGINS
let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

async function openDashboard(page: Page, login: { email: string }) {
  await signIn(page, baseURL, login.email, DEMO_PASSWORD)
  await page.waitForURL(url => url.pathname === '/pipeline')
  await page.goto(`${baseURL}/dashboard`, { waitUntil: 'networkidle' })
  await page.locator('[data-testid=live][data-live=on]').waitFor()
}
const column = (page: Page, stage: string) => page.locator(`[data-testid=board] section[data-stage=${stage}]`)

describe('the rep\'s dashboard', () => {
  it('moves a card by drag and drop (kept after reload, on the timeline), refuses an invalid move with the reason, '
    + 'and shows the move live on another screen', async () => {
    const rep = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    await openDashboard(rep, jordan)
    const cards = rep.locator('[data-testid=board-card]')
    expect(await cards.count()).toBeGreaterThan(10)
    expect(await rep.locator('[data-testid=board] [data-testid=momentum-badge]').count()).toBeGreaterThan(5)
    await rep.screenshot({ path: `${SCREENSHOTS}/dashboard-rep.png` })

    // A manager watches the same deals on another screen.
    const watcherContext = await browser.newContext({ viewport: { width: 1440, height: 1000 } })
    const watcher = await watcherContext.newPage()
    await openDashboard(watcher, managerLogin)

    const card = column(rep, 'new').locator('[data-testid=board-card]').first()
    const dealId = await card.getAttribute('data-deal')
    await card.dragTo(column(rep, 'contacted'))
    await column(rep, 'contacted').locator(`[data-deal="${dealId}"]`).waitFor()
    await rep.getByText('moved to Contacted').first().waitFor()
    // Live on the other screen, without a reload.
    await column(watcher, 'contacted').locator(`[data-deal="${dealId}"]`).waitFor({ timeout: 5000 })
    await watcher.screenshot({ path: `${SCREENSHOTS}/dashboard-live.png` })

    await rep.reload({ waitUntil: 'networkidle' })
    await column(rep, 'contacted').locator(`[data-deal="${dealId}"]`).waitFor()
    const timeline = await rep.evaluate(async id => (await (await fetch(`/api/v1/deals/${id}/timeline`)).json()).data, dealId)
    expect(timeline[0]).toMatchObject({ type: 'stage_changed', metadata: { from: 'new', to: 'contacted' } })

    // new -> proposal skips stages: refused, the card snaps back, the toast says why.
    const other = column(rep, 'new').locator('[data-testid=board-card]').first()
    const otherId = await other.getAttribute('data-deal')
    await other.dragTo(column(rep, 'proposal'))
    await rep.getByText('cannot move from New to Proposal').first().waitFor()
    await column(rep, 'new').locator(`[data-deal="${otherId}"]`).waitFor()
    expect(await column(rep, 'proposal').locator(`[data-deal="${otherId}"]`).count()).toBe(0)
    await rep.screenshot({ path: `${SCREENSHOTS}/dashboard-refused.png` })
    await watcherContext.close()
    await rep.close()
  })

  it('moves a card from the keyboard through its Move menu, built only when opened, '
    + 'and renders every card once live though the server sent the first few', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    await openDashboard(page, jordan)
    const html = await (await page.request.get(`${baseURL}/dashboard`)).text()
    const servedCards = html.match(/data-testid="board-card"/g)?.length ?? 0
    const shown = await page.locator('[data-testid=board-card]').count()
    expect(servedCards).toBeGreaterThan(0)
    expect(shown).toBeGreaterThan(servedCards)
    expect(html).not.toContain('reka-dropdown-menu-trigger')

    const card = column(page, 'qualified').locator('[data-testid=board-card]').first()
    const dealId = await card.getAttribute('data-deal')
    const name = (await card.locator('a').textContent())!.trim()
    await card.locator('a').focus()
    await page.keyboard.press('Tab')
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('move')
    await page.keyboard.press('Enter')
    const items = page.getByRole('menuitem')
    await items.first().waitFor()
    expect(await items.allTextContents()).toContain('Move to Proposal')
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard-move-menu.png` })
    await page.getByRole('menuitem', { name: 'Move to Proposal' }).press('Enter')
    await column(page, 'proposal').locator(`[data-deal="${dealId}"]`).waitFor()
    await page.getByText(`${name} moved to Proposal`).first().waitFor()
    // Escape closes the menu opened again and leaves the focus on its button.
    const moved = column(page, 'proposal').locator(`[data-deal="${dealId}"]`)
    await moved.getByTestId('move').click()
    await items.first().waitFor()
    await page.keyboard.press('Escape')
    await expect.poll(() => items.count()).toBe(0)
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('move')
    // A second click on its button closes it (the mouse where a user's would be: the open menu
    // makes the rest of the page inert to pointer events, so Playwright's own click would wait).
    await moved.getByTestId('move').click()
    await items.first().waitFor()
    const box = (await moved.getByTestId('move').boundingBox())!
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await expect.poll(() => items.count()).toBe(0)
    await page.close()
  })

  it('opens a deal page with its reasons and timeline, logs a note on it, and finds it again with Ctrl+K', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    await openDashboard(page, jordan)
    const link = column(page, 'qualified').locator('[data-testid=board-card] a').first()
    const name = (await link.textContent())!.trim()
    await link.click()
    await page.waitForURL(url => url.pathname.startsWith('/deals/'))
    await page.getByTestId('reasons').waitFor()
    await page.getByTestId('timeline').locator('li').first().waitFor()
    await page.getByTestId('quick-log').getByRole('combobox').click()
    await page.getByRole('option', { name: 'Note' }).click()
    await page.getByLabel('Details').fill('Champion confirmed budget on the call')
    await page.getByRole('button', { name: 'Log', exact: true }).click()
    await page.getByTestId('timeline').getByText('Champion confirmed budget on the call').waitFor()

    // Plan a next step, then complete it: it leaves the list and lands on the timeline.
    const steps = page.getByTestId('deal-tasks')
    await steps.getByLabel('Next step', { exact: true }).fill('Send the security questionnaire')
    await steps.getByRole('button', { name: 'Add the next step' }).click()
    await steps.getByText('Send the security questionnaire').waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/deal-page.png`, fullPage: true })
    await steps.getByLabel('Complete: Send the security questionnaire').click()
    await page.getByTestId('timeline').getByText('Task completed').first().waitFor()
    await expect.poll(() => steps.getByText('Send the security questionnaire').count(), { timeout: 10_000 }).toBe(0)

    await page.goto(`${baseURL}/dashboard`, { waitUntil: 'networkidle' })
    await page.keyboard.press('Control+k')
    await page.getByPlaceholder('Search accounts, contacts, deals and notes…').fill(name.slice(0, 12))
    // The account shares the first words; the deal's own option carries its whole name.
    await page.getByRole('option').filter({ hasText: name }).first().click()
    await page.waitForURL(url => url.pathname.startsWith('/deals/'))
    expect(await page.title()).toContain(' · Momentum')
    await page.close()
  })

  it('turns the board into a list with thumb-sized quick actions at 390 x 844', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    await openDashboard(phone, jordan)
    expect(await phone.getByTestId('board').isVisible()).toBe(false)
    const first = phone.locator('[data-testid=mobile-card]').first()
    await first.waitFor()
    const button = first.getByTestId('log-call')
    const box = await button.boundingBox()
    expect(box!.height).toBeGreaterThanOrEqual(32)
    await button.tap()
    await phone.getByText(/^Call logged on/).first().waitFor()
    await first.getByTestId('mobile-move').tap()
    await phone.getByRole('menuitem').first().waitFor()
    await phone.screenshot({ path: `${SCREENSHOTS}/dashboard-mobile.png` })
    await phone.keyboard.press('Escape')

    // A deal with an open alert has a Snooze at thumb size; snoozing takes the alert away.
    const alerted = phone.locator('[data-testid=mobile-card]').filter({ has: phone.getByTestId('mobile-snooze') }).first()
    const snooze = alerted.getByTestId('mobile-snooze')
    expect((await snooze.boundingBox())!.height).toBeGreaterThanOrEqual(32)
    // That alert's own Snooze goes (the list then shows the next alert in line, maybe with its own).
    const label = (await snooze.getAttribute('aria-label'))!
    await snooze.tap()
    await expect.poll(() => phone.getByLabel(label, { exact: true }).count(), { timeout: 10_000 }).toBe(0)
    const stillOpen = await phone.evaluate(async () =>
      (await (await fetch('/api/v1/alerts?limit=100')).json()).data.map((a: { message: string }) => a.message),
    )
    expect(stillOpen).not.toContain(label.replace(/^Snooze: /, ''))
    await phone.close()
  })

  it('reconnects after the stream drops and catches up on a move made meanwhile', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } })
    const watcher = await context.newPage()
    await signIn(watcher, baseURL, jordan.email, DEMO_PASSWORD)
    await watcher.waitForURL(url => url.pathname === '/pipeline')
    // The stream cannot connect (a dropped network, as far as the page knows): it stays offline.
    await context.route('**/api/v1/stream', route => route.abort('connectionreset'))
    await watcher.goto(`${baseURL}/dashboard`, { waitUntil: 'networkidle' })
    await watcher.locator('[data-testid=live][data-live=off]').waitFor()
    const dealId = (await column(watcher, 'qualified').locator('[data-testid=board-card]').first().getAttribute('data-deal'))!

    // Meanwhile, on another screen, the deal moves on.
    expect(
      await watcher.evaluate(
        async id =>
          (
            await fetch(`/api/v1/deals/${id}/stage`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ to: 'proposal' }),
            })
          ).status,
        dealId,
      ),
    ).toBe(200)
    await watcher.waitForTimeout(500)
    expect(await column(watcher, 'proposal').locator(`[data-deal="${dealId}"]`).count()).toBe(0)

    // The network is back: EventSource reconnects by itself and the board catches up.
    await context.unroute('**/api/v1/stream')
    await watcher.locator('[data-testid=live][data-live=on]').waitFor({ timeout: 15_000 })
    await column(watcher, 'proposal').locator(`[data-deal="${dealId}"]`).waitFor({ timeout: 5000 })
    await context.close()
  })

  it('switches to dark mode from the navbar and keeps it after a reload, on one live stream for the whole screen', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    await signIn(page, baseURL, jordan.email, DEMO_PASSWORD)
    await page.waitForURL(url => url.pathname === '/pipeline')
    const streams: string[] = []
    page.on('request', request => request.url().includes('/api/v1/stream') && streams.push(request.url()))
    await page.goto(`${baseURL}/dashboard`, { waitUntil: 'networkidle' })
    await page.locator('[data-testid=live][data-live=on]').waitFor()
    // The board and the notification bell listen on the same EventSource.
    expect(streams).toHaveLength(1)
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(false)
    await page.getByRole('button', { name: /dark mode/i }).click()
    await page.waitForFunction(() => document.documentElement.classList.contains('dark'))
    await page.reload({ waitUntil: 'networkidle' })
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true)
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard-dark.png` })
    await page.close()
  })

  it('lets a manager narrow the board to one rep, and only that rep\'s deals stay on it', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    await openDashboard(page, managerLogin)
    const owners = async () => new Set(await page.locator('[data-testid=board-card] [data-testid=card-owner]').allInnerTexts())
    expect((await owners()).size).toBeGreaterThan(1)
    await page.getByTestId('dashboard-scope').click()
    await page.getByRole('option', { name: 'Jordan Alvarez' }).click()
    await expect.poll(async () => [...await owners()], { timeout: 10_000 }).toEqual(['Jordan Alvarez'])
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard-manager-filter.png` })
    await page.close()
  })
})
