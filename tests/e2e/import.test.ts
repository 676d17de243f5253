import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { signUp } from '../support/http'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

describe('the import page', () => {
  it('guesses the mapping from the header, runs the import with a progress bar, and lists row errors', async () => {
    const { email, password } = await signUp(baseURL)
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await signIn(page, baseURL, email, password)
    await page.waitForURL(url => url.pathname === '/pipeline')
    await page.getByRole('link', { name: 'Import' }).click()
    await page.waitForURL(url => url.pathname === '/settings/import')

    await page.getByTestId('import-kind').click()
    await page.getByRole('option', { name: 'Contacts' }).click()
    await page.getByTestId('import-file').setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'First name,Last name,Email,Company\n'
        + 'Ada,Lovelace,ada@engine.test,Analytical Engines\n'
        + 'Charles,Babbage,charles@engine.test,Analytical Engines\n'
        + 'No,Email,not-an-email,Nowhere\n',
      ),
    })
    // The columns were guessed from their names.
    await expect(page.getByTestId('map-email').textContent()).resolves.toContain('Email')
    await expect(page.getByTestId('map-accountName').textContent()).resolves.toContain('Company')
    await expect(page.getByTestId('map-firstName').textContent()).resolves.toContain('First name')
    await page.screenshot({ path: `${SCREENSHOTS}/import-mapping.png`, fullPage: true })

    await page.getByTestId('import-start').click()
    await page.getByTestId('import-status').filter({ hasText: 'done' }).waitFor()
    const progress = await page.getByTestId('import-progress').textContent()
    expect(progress).toContain('3 of 3 rows')
    expect(progress).toContain('2 created')
    expect(await page.getByTestId('import-errors').textContent()).toContain('row 4 email: "not-an-email" is not an email address')
    await page.screenshot({ path: `${SCREENSHOTS}/import-done.png`, fullPage: true })
    await page.close()
  })
})
