import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { signUp } from '../support/http'
import { seedOrg } from '../support/salesforce-data'
import { startSalesforceMock, type SalesforceMock } from '../support/salesforce-mock'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
let browser: Browser
let mock: SalesforceMock
beforeAll(async () => {
  browser = await launchChromium()
  mock = await startSalesforceMock()
  seedOrg(mock, { users: 2, accounts: 12, contacts: 30, opportunities: 240, tasks: 25, events: 6 })
})
afterAll(async () => {
  await browser?.close()
  await mock?.close()
})

describe('the Salesforce settings', () => {
  it('connects an org, syncs it now, and shows the run per object; a failing run shows its error', async () => {
    const { email, password } = await signUp(baseURL)
    const page = await browser.newPage({ viewport: { width: 1280, height: 1500 } })
    await signIn(page, baseURL, email, password)
    await page.waitForURL(url => url.pathname === '/pipeline')
    await page.locator('a[href="/settings/salesforce"]').click()
    await page.waitForURL(url => url.pathname === '/settings/salesforce')
    await page.getByLabel('Instance URL').fill(mock.url)
    await page.getByLabel('Consumer key (client id)').fill(mock.credentials.clientId)
    await page.getByLabel('Consumer secret').fill(mock.credentials.clientSecret)
    await page.getByRole('button', { name: 'Connect' }).click()
    await page.getByTestId('salesforce-sync').click()
    await page.getByText('succeeded').waitFor()
    const objects = await page.getByTestId('salesforce-objects').textContent()
    expect(objects).toContain('Opportunity')
    expect(objects).toContain('240')
    expect(await page.content()).not.toContain(mock.credentials.clientSecret)
    await page.screenshot({ path: `${SCREENSHOTS}/settings-salesforce.png`, fullPage: true })

    mock.failNext({ times: 4 })
    await page.getByTestId('salesforce-sync').click()
    await page.getByTestId('salesforce-error').waitFor()
    expect(await page.getByTestId('salesforce-error').textContent()).toContain('The last sync failed')
    const opportunityRow = page.getByTestId('salesforce-objects').locator('tbody tr').nth(2)
    // the failed run read nothing
    expect(await opportunityRow.locator('td').allTextContents()).toEqual(['Opportunity', '0', '0', '240', expect.any(String)])
    await page.screenshot({ path: `${SCREENSHOTS}/settings-salesforce-failed.png`, fullPage: true })
    await page.close()
  })
})
