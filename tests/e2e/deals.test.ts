import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../server/domain/demo/seed'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
const [adminLogin, managerLogin, riley] = DEMO_LOGINS
let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

const column = (page: Page, stage: string) => page.locator(`[data-testid=board] section[data-stage=${stage}]`)
/** A Nuxt UI input by its test id (on the input itself or on its wrapper). */
const field = (page: Page, testid: string) => page.locator(`input[data-testid=${testid}], [data-testid=${testid}] input`).first()

async function signedIn(login: { email: string }, viewport = { width: 1440, height: 900 }) {
  const context = await browser.newContext({ viewport })
  const page = await context.newPage()
  await signIn(page, baseURL, login.email, DEMO_PASSWORD)
  await page.waitForURL(url => url.pathname === '/pipeline')
  return page
}

describe('the rep\'s workspace', () => {
  it('creates a deal from the board, edits its amount and close date inline, wins it by drag and drop, '
    + 'and finds it in a saved view', async () => {
    const page = await signedIn(riley)
    const name = `Board deal ${Date.now().toString(36)}`
    const tag = `e2e-${Date.now().toString(36)}`

    // New deal in the Negotiation column: the form opens with that stage.
    await page.goto(`${baseURL}/pipeline`, { waitUntil: 'networkidle' })
    await column(page, 'negotiation').getByTestId('new-deal').click()
    const form = page.getByTestId('deal-form')
    await form.waitFor()
    await expect(form.getByTestId('deal-stage').textContent()).resolves.toContain('Negotiation')
    // The server's field errors show on their field: no name, no amount.
    await form.getByTestId('deal-submit').click()
    await form.getByText('required').first().waitFor()
    await field(page, 'deal-name').fill(name)
    await field(page, 'deal-amount').fill('12000')
    await field(page, 'deal-tags').fill(tag)
    await field(page, 'deal-tags').press('Enter')
    await page.screenshot({ path: `${SCREENSHOTS}/deal-form.png` })
    await form.getByTestId('deal-submit').click()
    const card = column(page, 'negotiation').locator('[data-testid=board-card]').filter({ hasText: name })
    await card.waitFor()
    await expect(card.textContent()).resolves.toContain('$12,000')
    const dealId = (await card.getAttribute('data-deal'))!

    // The card opens the deal; amount and close date are edited where they are shown.
    await card.locator('a').click()
    await page.waitForURL(url => url.pathname === `/deals/${dealId}`)
    const amount = page.getByTestId('inline-amount')
    await amount.getByTestId('inline-value').click()
    await amount.locator('input').fill('-5')
    await amount.locator('input').press('Enter')
    await amount.getByTestId('inline-error').waitFor()
    await expect(amount.getByTestId('inline-error').textContent()).resolves.toContain('a decimal amount such as 1250.50')
    await amount.locator('input').press('Escape')
    await expect(amount.getByTestId('inline-value').textContent()).resolves.toContain('$12,000')
    await amount.getByTestId('inline-value').click()
    await amount.locator('input').fill('15000')
    await amount.locator('input').press('Enter')
    await expect.poll(() => amount.getByTestId('inline-value').textContent()).toContain('$15,000')
    const closeDate = page.getByTestId('inline-closeDate')
    await closeDate.getByTestId('inline-value').click()
    await closeDate.locator('input').fill('2027-03-31')
    await closeDate.locator('input').press('Enter')
    await expect.poll(() => closeDate.getByTestId('inline-value').textContent()).toContain('Mar 31, 2027')
    await page.screenshot({ path: `${SCREENSHOTS}/deal-inline.png` })
    const saved = await page.evaluate(async id => (await fetch(`/api/v1/deals/${id}`)).json(), dealId)
    expect(saved).toMatchObject({ amount: '15000.00', closeDate: '2027-03-31', stage: 'negotiation', tags: [tag] })

    // Won by dropping the card on the Won strip, which is always in view.
    await page.goto(`${baseURL}/pipeline`, { waitUntil: 'networkidle' })
    const won = page.locator('[data-testid=drop-target][data-stage=won]')
    const before = Number((await won.textContent())!.match(/Won · (\d+)/)![1])
    await column(page, 'negotiation').locator(`[data-deal="${dealId}"]`).dragTo(won)
    await page.getByText(`${name} moved to Won`).first().waitFor()
    await expect.poll(() => won.textContent()).toContain(`Won · ${before + 1}`)
    expect(await page.locator(`[data-testid=board] [data-deal="${dealId}"]`).count()).toBe(0)
    await expect.poll(async () => (await page.evaluate(async id => (await fetch(`/api/v1/deals/${id}`)).json(), dealId)).stage).toBe('won')

    // A saved view of won deals with the tag finds it on /deals.
    await page.goto(`${baseURL}/deals?stage=won&tags=${tag}`, { waitUntil: 'networkidle' })
    await page.locator(`[data-testid=deal-row][data-deal="${dealId}"]`).waitFor()
    await page.getByTestId('save-view').click()
    await field(page, 'view-name').fill(`Won ${tag}`)
    await page.getByTestId('view-submit').click()
    await page.getByText('View saved').first().waitFor()
    await page.goto(`${baseURL}/deals`, { waitUntil: 'networkidle' })
    await page.getByTestId('view-picker').click()
    await page.getByRole('option', { name: `Won ${tag}` }).click()
    await page.waitForURL(url => url.searchParams.get('tags') === tag && url.searchParams.get('stage') === 'won')
    const rows = page.locator('[data-testid=deal-row]')
    await expect.poll(() => rows.count()).toBe(1)
    const row = rows.first()
    expect(await row.getAttribute('data-deal')).toBe(dealId)
    await expect(row.textContent()).resolves.toMatch(/Won.*\$15,000/)
    await page.screenshot({ path: `${SCREENSHOTS}/deals-view.png` })
    await page.context().close()
  })

  it('changes many deals at once from the table and says in words which ones were refused', async () => {
    const page = await signedIn(riley)
    const made = await page.evaluate(async () => {
      const post = async (body: object) =>
        (
          await fetch('/api/v1/deals', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        ).json()
      const stamp = Date.now().toString(36)
      return [
        await post({ name: `Bulk proposal ${stamp}`, amount: 100, stage: 'proposal', tags: [`bulk-${stamp}`] }),
        await post({ name: `Bulk new ${stamp}`, amount: 200, stage: 'new', tags: [`bulk-${stamp}`] }),
        stamp,
      ]
    })
    const stamp = made[2] as string
    await page.goto(`${baseURL}/deals?tags=bulk-${stamp}`, { waitUntil: 'networkidle' })
    await expect.poll(() => page.locator('[data-testid=deal-row]').count()).toBe(2)
    await page.getByLabel('Select all shown').click()
    await page.getByTestId('bulk-bar').waitFor()
    await page.getByTestId('bulk-stage').click()
    await page.getByRole('option', { name: 'Negotiation' }).click()
    await page.getByTestId('bulk-move').click()
    const refusals = page.getByTestId('bulk-refusals')
    await refusals.waitFor()
    await expect(refusals.textContent()).resolves.toContain(
      `Bulk new ${stamp}: its stage does not allow that move; from here it can go to Contacted or Lost.`,
    )
    await page.screenshot({ path: `${SCREENSHOTS}/deals-bulk.png` })
    const stages = await page.evaluate(
      async ids => Promise.all(ids.map(async id => (await (await fetch(`/api/v1/deals/${id}`)).json()).stage)),
      [(made[0] as { id: string }).id, (made[1] as { id: string }).id],
    )
    expect(stages).toEqual(['negotiation', 'new'])
    await page.context().close()
  })

  it('loads every page it touches directly as a rep, a manager and an admin, on a desktop and a phone, '
    + 'without a page error, console error or hydration warning', async () => {
    for (const login of [riley, managerLogin, adminLogin]) {
      for (const viewport of [
        { width: 1440, height: 900 },
        { width: 390, height: 844 },
      ]) {
        const page = await signedIn(login, viewport)
        const ids = await page.evaluate(async () => {
          const deal = (await (await fetch('/api/v1/deals?limit=1&sort=amount')).json()).data[0]
          const contact = (await (await fetch('/api/v1/contacts?limit=1')).json()).data[0]
          return { deal: deal.id as string, account: deal.accountId as string, contact: contact.id as string }
        })
        const problems: string[] = []
        page.on('pageerror', error => problems.push(`page error: ${error.message}`))
        page.on('console', (message) => {
          if (message.type() === 'error' || /hydration/i.test(message.text())) problems.push(`${message.type()}: ${message.text()}`)
        })
        const paths = ['/dashboard', '/pipeline', '/deals', `/deals/${ids.deal}`, `/accounts/${ids.account}`, `/contacts/${ids.contact}`]
        for (const path of paths) {
          await page.goto(`${baseURL}${path}`, { waitUntil: 'networkidle' })
          await page.locator('[data-slot=body]:visible').first().waitFor()
          const label = `${login.email.split('@')[0]}-${viewport.width}-${path.split('/')[1]}${path.split('/').length > 2 ? '-id' : ''}`
          await page.screenshot({ path: `${SCREENSHOTS}/touched-${label}.png` })
          expect(problems, `${login.email} ${viewport.width}px ${path}`).toEqual([])
        }
        await page.context().close()
      }
    }
  })
})
