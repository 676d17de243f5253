import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../server/domain/demo/seed'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
const [, , riley] = DEMO_LOGINS
let browser: Browser
let page: Page
beforeAll(async () => {
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
  await signIn(page, baseURL, riley.email, DEMO_PASSWORD)
  await page.waitForURL(url => url.pathname === '/pipeline')
})
afterAll(() => browser?.close())

const rowsOf = (testId: string) => page.locator(`[data-testid=${testId}] tbody tr`)

describe('accounts, contacts and leads pages', () => {
  it('lists accounts, searches them, creates one with the server\'s field error shown inline, and edits it', async () => {
    await page.goto(`${baseURL}/accounts`, { waitUntil: 'networkidle' })
    expect(await rowsOf('accounts-table').count()).toBeGreaterThan(3)
    await page.screenshot({ path: `${SCREENSHOTS}/accounts-list.png` })

    await page.getByRole('button', { name: 'New account' }).click()
    const form = page.locator('[data-testid=account-form]')
    await form.getByLabel('Name').fill('Kramerica Industries')
    await form.getByLabel('Domain').fill('not a domain')
    await form.getByRole('button', { name: 'Create' }).click()
    await form.getByText('a domain such as example.com').waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/accounts-form-error.png` })
    await form.getByLabel('Domain').fill('kramerica.example')
    await form.getByRole('button', { name: 'Create' }).click()
    await page.waitForURL(url => url.pathname.startsWith('/accounts/') && url.pathname !== '/accounts/')
    await page.getByRole('heading', { name: 'Kramerica Industries' }).waitFor()

    await page.getByRole('button', { name: 'Edit' }).click()
    await page.locator('[data-testid=account-form]').getByLabel('Industry').fill('Oil tankers')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByText('kramerica.example · Oil tankers').waitFor()

    await page.goto(`${baseURL}/accounts`, { waitUntil: 'networkidle' })
    await page.getByTestId('list-search').fill('kramerica')
    await expect
      .poll(() => rowsOf('accounts-table').allInnerTexts(), { timeout: 10_000 })
      .toEqual([expect.stringContaining('Kramerica Industries')])
  })

  it('adds a contact to an account from its page, opens the contact with its deals and activity, '
    + 'and sorts contacts by latest activity', async () => {
    await page.goto(`${baseURL}/accounts`, { waitUntil: 'networkidle' })
    await page.getByTestId('list-search').fill('kramerica')
    await expect
      .poll(() => rowsOf('accounts-table').allInnerTexts(), { timeout: 10_000 })
      .toEqual([expect.stringContaining('Kramerica Industries')])
    await rowsOf('accounts-table').first().getByRole('link').click()
    await page.getByRole('heading', { name: 'Kramerica Industries' }).waitFor()
    await page.locator('[data-testid=account-contacts]').getByRole('button', { name: 'Add' }).click()
    const form = page.locator('[data-testid=contact-form]')
    await form.getByLabel('First name').fill('Cosmo')
    await form.getByLabel('Last name').fill('Kramer')
    await form.getByLabel('Email').fill('cosmo@kramerica')
    await form.getByRole('button', { name: 'Create' }).click()
    await form.getByText('a valid email address').waitFor()
    await form.getByLabel('Email').fill('cosmo@kramerica.example')
    await form.getByRole('button', { name: 'Create' }).click()
    await page.locator('[data-testid=account-contacts]').getByRole('link', { name: 'Cosmo Kramer' }).click()
    await page.getByRole('heading', { name: 'Cosmo Kramer' }).waitFor()
    await page.getByRole('link', { name: 'Kramerica Industries' }).waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/contact-page.png` })

    await page.goto(`${baseURL}/contacts`, { waitUntil: 'networkidle' })
    await page.getByTestId('list-sort').click()
    await page.getByRole('option', { name: 'Latest activity' }).click()
    await expect.poll(async () => (await rowsOf('contacts-table').first().innerText()).includes('never'), { timeout: 10_000 }).toBe(false)
    await page.screenshot({ path: `${SCREENSHOTS}/contacts-list.png` })
  })

  it('captures a lead, shows its score and reasons, and converts it into a deal', async () => {
    await page.goto(`${baseURL}/leads`, { waitUntil: 'networkidle' })
    await page.getByRole('button', { name: 'New lead' }).click()
    const form = page.locator('[data-testid=lead-form]')
    await form.getByRole('button', { name: 'Capture' }).click()
    await form.getByText('required').waitFor()
    await form.getByLabel('Name').fill('Elaine Benes')
    await form.getByLabel('Email').fill('elaine@pendant.example')
    await form.getByLabel('Company').fill('Pendant Publishing')
    await form.getByLabel('Title').fill('VP Editorial')
    await form.getByRole('button', { name: 'Capture' }).click()
    await page.getByRole('heading', { name: 'Elaine Benes' }).waitFor()
    const score = page.locator('[data-testid=lead-score]')
    await score.getByText('senior title (VP Editorial) (+20)').waitFor()
    expect(await score.innerText()).toContain('65')
    await page.screenshot({ path: `${SCREENSHOTS}/lead-page.png` })

    await page.getByRole('button', { name: 'Convert' }).click()
    const convert = page.locator('[data-testid=convert-form]')
    await convert.getByLabel('Amount').fill('18000')
    await convert.getByRole('button', { name: 'Convert' }).click()
    await page.waitForURL(url => url.pathname.startsWith('/deals/'))
    await page.getByRole('heading', { name: 'Pendant Publishing — new business' }).waitFor()
    await page.locator('[data-testid=deal-contacts]').getByRole('link', { name: 'Elaine Benes' }).waitFor()

    await page.goto(`${baseURL}/leads`, { waitUntil: 'networkidle' })
    expect(await rowsOf('leads-table').allInnerTexts()).not.toContainEqual(expect.stringContaining('Elaine Benes'))
    await page.getByRole('tab', { name: 'Converted' }).click()
    await expect
      .poll(() => rowsOf('leads-table').allInnerTexts(), { timeout: 10_000 })
      .toContainEqual(expect.stringContaining('Elaine Benes'))
    await page.screenshot({ path: `${SCREENSHOTS}/leads-list.png` })
  })
})
