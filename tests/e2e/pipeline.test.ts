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

describe('the built app', () => {
  it('reports its health with the database driver and current migrations', async () => {
    const response = await fetch(`${baseURL}/api/health`)
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body).toMatchObject({ ok: true, migrations: 'current' })
    expect(['pglite', 'postgres']).toContain(body.database)
  })

  it('answers the API with 401 when signed out', async () => {
    expect((await fetch(`${baseURL}/api/v1/deals`)).status).toBe(401)
  })

  it('sends a signed-out visitor to the sign-in screen', async () => {
    const page = await browser.newPage()
    await page.goto(`${baseURL}/pipeline`)
    await page.waitForURL(url => url.pathname === '/login')
    await page.getByRole('heading', { name: 'Sign in to Momentum' }).waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/login.png` })
    await page.close()
  })

  it('shows the seeded open deals by stage on the pipeline board after sign-in, Won and Lost always in view', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await signIn(page, baseURL, DEMO_LOGINS[0].email, DEMO_PASSWORD)
    await page.waitForURL(url => url.pathname === '/pipeline')
    await page.locator('[data-testid=board-card]').first().waitFor()
    // The demo's 300 deals, and any another test file added to the shared demo tenant since.
    const listed = await page.evaluate(async () => (await (await fetch('/api/v1/deals?limit=500')).json()).data as { stage: string }[])
    expect(listed.length).toBeGreaterThanOrEqual(300)
    const open = listed.filter(d => !['won', 'lost'].includes(d.stage))
    expect(await page.locator('[data-testid=board-card]').count()).toBe(open.length)
    const stages = await page
      .locator('[data-testid=board] section[data-stage]')
      .evaluateAll(els => els.map(e => e.getAttribute('data-stage')))
    expect(stages).toEqual(['new', 'contacted', 'qualified', 'proposal', 'negotiation'])
    const targets = page.locator('[data-testid=drop-target]')
    expect(await targets.evaluateAll(els => els.map(e => e.getAttribute('data-stage')))).toEqual(['won', 'lost'])
    for (const target of await targets.all()) expect(await target.isVisible()).toBe(true)
    await expect(page.locator('[data-testid=drop-target][data-stage=won]').textContent()).resolves.toContain(
      `Won · ${listed.filter(d => d.stage === 'won').length}`,
    )
    // Every open column is on screen at 1440 px, Negotiation included.
    const negotiation = (await page.locator('[data-testid=board] section[data-stage=negotiation]').boundingBox())!
    expect(negotiation.x + negotiation.width).toBeLessThanOrEqual(1440)
    await page.screenshot({ path: `${SCREENSHOTS}/pipeline.png` })

    // Server-rendered: the HTML itself already holds the deals.
    const cookies = await page.context().cookies()
    const html = await (
      await fetch(`${baseURL}/pipeline`, { headers: { cookie: cookies.map(c => `${c.name}=${c.value}`).join('; ') } })
    ).text()
    const firstDeal = await page.locator('[data-testid=board-card] a').first().textContent()
    expect(html).toContain(firstDeal!.trim())
    await page.close()
  })

  it('shows each open deal\'s momentum on its card — a believable mix of states, each with a reason', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await signIn(page, baseURL, DEMO_LOGINS[0].email, DEMO_PASSWORD)
    await page.waitForURL(url => url.pathname === '/pipeline')
    await page.locator('[data-testid=board] [data-testid=momentum-badge]').first().waitFor()
    const states = await page
      .locator('[data-testid=board] [data-testid=momentum-badge]')
      .evaluateAll(els => els.map(e => e.getAttribute('data-state')))
    // Every scored open deal shows its state (a deal another test just created waits for the next run).
    const scoredOpen = await page.evaluate(
      async () =>
        (
          (await (await fetch('/api/v1/deals?limit=500')).json()).data as { stage: string, momentum: { score: number | null } | null }[]
        ).filter(d => !['won', 'lost'].includes(d.stage) && (d.momentum?.score ?? null) !== null).length,
    )
    expect(scoredOpen).toBeGreaterThanOrEqual(200)
    expect(states).toHaveLength(scoredOpen)
    const mix = Object.fromEntries(['accelerating', 'steady', 'stalling', 'at_risk'].map(s => [s, states.filter(x => x === s).length]))
    for (const count of Object.values(mix)) expect(count / states.length).toBeGreaterThan(0.05)
    expect(mix.steady! + mix.accelerating!).toBeGreaterThan(mix.at_risk!)
    const reasons = await page.locator('[data-testid=momentum-reason]').allTextContents()
    expect(reasons.length).toBeGreaterThan(states.length / 2)
    expect(reasons.some(r => /no reply|replies, inbound calls and meetings|emails in 30 days|days in/.test(r))).toBe(true)
    await page.screenshot({ path: `${SCREENSHOTS}/pipeline-momentum.png` })

    await page.locator('a[href="/settings/momentum"]').click()
    await page.waitForURL(url => url.pathname === '/settings/momentum')
    // The demo's closed deals closed before any scoring: the page says so in words.
    await page.getByTestId('calibration-summary').waitFor()
    expect(await page.getByTestId('calibration-summary').textContent()).toMatch(/closed deal/)
    await page.screenshot({ path: `${SCREENSHOTS}/momentum-settings.png`, fullPage: true })
    await page.close()
  })

  it('tells the user when the password is wrong', async () => {
    const page = await browser.newPage()
    await signIn(page, baseURL, DEMO_LOGINS[2].email, 'not-the-password')
    await expect(page.getByTestId('form-error').textContent()).resolves.toContain('Wrong email or password')
    await page.close()
  })
})
