import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../server/domain/demo/seed'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
const [ada] = DEMO_LOGINS
let browser: Browser
let page: Page
beforeAll(async () => {
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
  await signIn(page, baseURL, ada.email, DEMO_PASSWORD)
  await page.waitForURL(url => url.pathname !== '/login')
})
afterAll(() => browser?.close())

const rowsOf = (testId: string) => page.locator(`[data-testid=${testId}] tbody tr`)

describe('custom fields and saved views on record lists', () => {
  it('an admin adds a choice field to accounts on Settings → Fields; '
    + 'the account form takes it and the account page shows it', async () => {
    await page.goto(`${baseURL}/settings/fields`, { waitUntil: 'networkidle' })
    await page.getByTestId('fields-entity').getByRole('tab', { name: 'Accounts' }).click()
    await page.getByTestId('add-field').click()
    const row = page.getByTestId('fields-list').locator('li').last()
    await row.getByLabel(/label/).fill('Support tier')
    await row.getByRole('combobox').click()
    await page.getByRole('option', { name: 'Choice' }).click()
    await row.getByLabel(/choices/).fill('Gold, Silver')
    await page.getByTestId('save-fields').click()
    await page.getByText('Accounts: fields saved').first().waitFor()
    await row.getByText('key: support_tier').waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/settings-fields.png` })

    await page.goto(`${baseURL}/accounts`, { waitUntil: 'networkidle' })
    await page.getByRole('button', { name: 'New account' }).click()
    const form = page.locator('[data-testid=account-form]')
    await form.getByLabel('Name', { exact: true }).fill('Vandelay Industries')
    await form.getByLabel('Industry').fill('Software')
    await form.getByRole('combobox', { name: 'Support tier' }).click()
    await page.getByRole('option', { name: 'Gold' }).click()
    await form.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('heading', { name: 'Vandelay Industries' }).waitFor()
    const details = page.getByTestId('custom-values')
    await details.getByText('Support tier').waitFor()
    expect(await details.innerText()).toContain('Gold')
    await page.screenshot({ path: `${SCREENSHOTS}/account-custom-values.png` })
  })

  it('filters accounts by an industry picked from the tenant\'s own, saves that as a view '
    + 'and applies it again from the URL-less list', async () => {
    await page.goto(`${baseURL}/accounts`, { waitUntil: 'networkidle' })
    await page.getByTestId('industry-filter').click()
    await page.getByRole('option', { name: 'Healthcare' }).click()
    await page.waitForURL(url => url.searchParams.get('industry') === 'Healthcare')
    await expect.poll(async () => {
      const texts = await rowsOf('accounts-table').allInnerTexts()
      return texts.length > 0 && texts.every(t => t.includes('Healthcare'))
    }, { timeout: 10_000 }).toBe(true)

    await page.getByTestId('save-view').click()
    await page.getByTestId('view-name').fill('Healthcare accounts')
    await page.getByTestId('view-submit').click()
    await page.getByText('View saved').first().waitFor()
    await page.waitForURL(url => Boolean(url.searchParams.get('view')))

    await page.goto(`${baseURL}/accounts`, { waitUntil: 'networkidle' })
    await page.getByTestId('view-picker').click()
    await page.getByRole('option', { name: 'Healthcare accounts' }).click()
    await page.waitForURL(url => url.searchParams.get('industry') === 'Healthcare' && Boolean(url.searchParams.get('view')))
    await expect
      .poll(async () => (await rowsOf('accounts-table').allInnerTexts()).every(t => t.includes('Healthcare')), { timeout: 10_000 })
      .toBe(true)
    await page.screenshot({ path: `${SCREENSHOTS}/accounts-saved-view.png` })
  })
})
