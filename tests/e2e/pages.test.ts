import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../server/domain/demo/seed'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'
import { textProblems } from './setup/scan'

const baseURL = inject('baseURL')
let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

const WORK_PAGES = ['/dashboard', '/pipeline', '/deals', '/tasks', '/accounts', '/contacts', '/leads', '/forecast', '/analytics',
  '/two-factor', '/account', '/reports/activity', '/my-week', '/reports', '/reports/new']
const SETTINGS_PAGES = ['/settings/users', '/settings/api-keys', '/settings/fields', '/settings/momentum', '/settings/email',
  '/settings/automation', '/settings/salesforce', '/settings/import', '/settings/audit', '/settings/billing', '/settings/general',
  '/settings/sso']
/** Texts a page shows on purpose that look like keys: a custom field's key, API and OAuth scopes. */
const ALLOWED: Record<string, RegExp[]> = {
  '/settings/fields': [/key: [a-z0-9_]+/],
  '/settings/api-keys': [/[a-z_]+:(read|write)/],
  // The OAuth scopes the connected app needs, named as Salesforce names them.
  '/settings/salesforce': [/\brefresh_token\b/],
}

async function signedIn(login: { email: string }, viewport: { width: number, height: number }) {
  const context = await browser.newContext({ viewport })
  const page = await context.newPage()
  await signIn(page, baseURL, login.email, DEMO_PASSWORD)
  await page.waitForURL(url => url.pathname !== '/login')
  return page
}

/** One record of each kind the signed-in person may see, for the detail pages. */
async function detailPaths(page: Page) {
  return page.evaluate(async () => {
    const first = async (url: string) => ((await (await fetch(url)).json()).data[0] ?? null) as { id: string } | null
    const [deal, account, contact, lead] = await Promise.all([
      first('/api/v1/deals?limit=1&sort=amount'),
      first('/api/v1/accounts?limit=1'),
      first('/api/v1/contacts?limit=1'),
      first('/api/v1/leads?limit=1'),
    ])
    // A saved report of the person's own, for the report page.
    const report = await (await fetch('/api/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Pipeline by stage', recordType: 'deals', measures: [{ fn: 'sum', field: 'amount' }], groupBy: [{ field: 'stage' }],
      }),
    })).json() as { id?: string }
    const paths = [deal && `/deals/${deal.id}`, account && `/accounts/${account.id}`, contact && `/contacts/${contact.id}`]
    return [...paths, lead && `/leads/${lead.id}`, report.id && `/reports/${report.id}`].filter((p): p is string => Boolean(p))
  })
}

/** Loads `path` directly; answers what went wrong: page errors, console errors, hydration warnings and text the scan refuses. */
async function load(page: Page, path: string, label: string) {
  const problems: string[] = []
  const onError = (error: Error) => problems.push(`page error: ${error.message}`)
  const onConsole = (message: { type: () => string, text: () => string }) => {
    if (message.type() === 'error' || /hydration/i.test(message.text())) problems.push(`${message.type()}: ${message.text()}`)
  }
  page.on('pageerror', onError)
  page.on('console', onConsole)
  const response = await page.goto(`${baseURL}${path}`, { waitUntil: 'networkidle' })
  if (response && response.status() >= 500) problems.push(`status ${response.status()}`)
  await page.locator('[data-slot=body]:visible').first().waitFor({ timeout: 15_000 })
    .catch(() => problems.push('no page body within 15 s'))
  await page.screenshot({ path: `${SCREENSHOTS}/page-${label}.png`, fullPage: false })
  const text = await page.locator('body').innerText()
  problems.push(...textProblems(text, ALLOWED[path] ?? []).map(p => `text: ${p}`))
  page.off('pageerror', onError)
  page.off('console', onConsole)
  return problems
}

describe('every page, loaded directly by URL', () => {
  for (const login of DEMO_LOGINS.slice(0, 3)) {
    it(`as ${login.role}: every page loads with no page error, console error, hydration warning, `
      + '"[object Object]", raw key or unformatted number', async () => {
      const page = await signedIn(login, { width: 1440, height: 900 })
      const paths = [...WORK_PAGES, ...await detailPaths(page), ...(login.role === 'admin' ? SETTINGS_PAGES : [])]
      const found: Record<string, string[]> = {}
      for (const path of paths) {
        const label = `${login.role}${path.replace(/\/[0-9a-f-]{36}/, '-id').replaceAll('/', '-')}`
        const problems = await load(page, path, label)
        if (problems.length) found[path] = problems
      }
      expect(found).toEqual({})
      await page.context().close()
    })
  }

  it('on a 390 px phone as a rep: the work pages and a deal load cleanly, and the deal page shows its whole name', async () => {
    const [, , riley] = DEMO_LOGINS
    const page = await signedIn(riley, { width: 390, height: 844 })
    const [dealPath] = await detailPaths(page)
    const found: Record<string, string[]> = {}
    for (const path of [...WORK_PAGES, dealPath!]) {
      const problems = await load(page, path, `phone${path.replace(/\/[0-9a-f-]{36}/, '-id').replaceAll('/', '-')}`)
      if (problems.length) found[path] = problems
    }
    expect(found).toEqual({})
    await page.goto(`${baseURL}${dealPath}`, { waitUntil: 'networkidle' })
    const name = await page.evaluate(async path => (await (await fetch(`/api/v1${path}`)).json()).name as string, dealPath!)
    expect(await page.getByTestId('deal-name-phone').innerText()).toBe(name)
    await page.context().close()
  })

  it('tells a rep who opens an admin page that it is for admins, rather than moving them elsewhere without a word', async () => {
    const [, , riley] = DEMO_LOGINS
    const page = await signedIn(riley, { width: 1440, height: 900 })
    await page.goto(`${baseURL}/settings/users`, { waitUntil: 'networkidle' })
    await page.getByText(/only admins|admins only|for admins/i).first().waitFor({ timeout: 10_000 })
    await page.screenshot({ path: `${SCREENSHOTS}/page-rep-admin-refused.png` })
    await page.context().close()
  })
})
