import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { EMAIL_THREADS } from '../../server/domain/demo/data'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../server/domain/demo/seed'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
const [adminLogin, managerLogin, riley] = DEMO_LOGINS
/** Screenshots of the pages this feature changed, for review by eye. */
const SHOTS = process.env.TIMELINE_SHOTS ?? SCREENSHOTS
let browser: Browser
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  browser = await launchChromium()
})
afterAll(() => browser?.close())

async function signedIn(login: { email: string }, viewport = { width: 1440, height: 900 }) {
  const context = await browser.newContext({ viewport })
  const page = await context.newPage()
  await signIn(page, baseURL, login.email, DEMO_PASSWORD)
  await page.waitForURL(url => url.pathname === '/pipeline')
  return page
}

/** Page errors, console errors and hydration warnings from now on. */
function watchProblems(page: Page) {
  const problems: string[] = []
  page.on('pageerror', error => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' || /hydration/i.test(message.text())) problems.push(`${message.type()}: ${message.text()}`)
  })
  return problems
}

// The demo's subjects, with their merge fields as wildcards.
const SUBJECTS = EMAIL_THREADS.map(t => new RegExp(`^(Re: )*${t.subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  .replace(/\\\{first\\\}|\\\{company\\\}/g, '.+')}$`))

describe('timelines worth reading', () => {
  it('a rep logs a call with its outcome and minutes and reads it, emails by subject, under day headings', async () => {
    const page = await signedIn(riley)
    const problems = watchProblems(page)
    const dealId = await page.evaluate(async () =>
      (await (await fetch('/api/v1/deals?limit=1&stage=proposal')).json()).data[0].id as string)
    await page.goto(`${baseURL}/deals/${dealId}`, { waitUntil: 'networkidle' })
    await page.getByTestId('timeline-row').first().waitFor()

    const log = page.getByTestId('quick-log')
    await log.getByTestId('log-outcome').getByRole('button', { name: 'No answer' }).click()
    await log.getByLabel('Minutes').fill('5')
    await log.getByRole('button', { name: 'Log', exact: true }).click()
    const call = page.getByTestId('timeline-row').filter({ hasText: 'No answer · 5 min' })
    await call.first().waitFor()
    expect(await page.getByTestId('timeline-day-label').first().textContent()).toContain('Today')
    await page.screenshot({ path: `${SHOTS}/timeline-deal-rep-1440.png`, fullPage: true })

    // A meeting with its title and an attendee from the deal's people.
    await log.getByRole('combobox').first().click()
    await page.getByRole('option', { name: 'Meeting held' }).click()
    await log.getByLabel('Meeting title').fill('Quarterly business review')
    await log.getByTestId('log-attendees').click()
    const attendee = page.getByRole('option').first()
    const attendeeName = (await attendee.textContent())!.trim()
    await attendee.click()
    await page.keyboard.press('Escape')
    await page.screenshot({ path: `${SHOTS}/timeline-quick-log-meeting-1440.png` })
    await log.getByRole('button', { name: 'Log', exact: true }).click()
    const meeting = page.getByTestId('timeline-row').filter({ hasText: 'Meeting held: Quarterly business review' })
    await meeting.first().waitFor()
    expect(await meeting.first().innerText()).toContain(`With ${attendeeName}`)

    // Emails only: each row says its subject.
    await page.getByTestId('timeline-filter-email').click()
    await expect.poll(async () => {
      const types = await page.getByTestId('timeline-row').evaluateAll(rows => rows.map(r => r.getAttribute('data-type')))
      return types.length > 0 && types.every(t => t?.startsWith('email_'))
    }, { timeout: 10_000 }).toBe(true)
    const subjects = await page.locator('[data-testid=timeline-row][data-type^=email_] [data-testid=timeline-detail]').allTextContents()
    expect(subjects.length).toBeGreaterThan(0)
    for (const subject of subjects) expect(SUBJECTS.some(s => s.test(subject.trim())), subject).toBe(true)

    // Headings are Today, Yesterday or a date, newest first.
    const headings = await page.getByTestId('timeline-day-label').allTextContents()
    for (const h of headings) expect(h.trim()).toMatch(/^(Today|Yesterday|[A-Z][a-z]+day, [A-Z][a-z]{2} \d{1,2}(, \d{4})?)$/)
    expect(new Set(headings).size).toBe(headings.length)
    await page.screenshot({ path: `${SHOTS}/timeline-deal-emails-1440.png`, fullPage: true })

    // The score trend says how much history it has, honestly.
    const caption = await page.getByTestId('trend-caption').textContent()
    expect(caption).toMatch(/days? of history|No score history yet/)
    expect(caption).not.toContain('a point a day')
    expect(problems).toEqual([])

    // An outcome the API does not know is refused, naming the field (sent by hand: the form offers only known ones).
    const refused = await page.evaluate(async id => (await fetch('/api/v1/activities', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'call', dealId: id, outcome: 'hung_up' }),
    })).json(), dealId)
    expect(refused.data.issues[0].path).toBe('outcome')
    await page.context().close()
  })

  it('shows the deal, account and contact timelines in words to a rep, a manager and an admin, on a desktop and a phone, '
    + 'without a page error, console error or hydration warning', async () => {
    for (const login of [riley, managerLogin, adminLogin]) {
      for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
        const page = await signedIn(login, viewport)
        const ids = await page.evaluate(async () => {
          // An open deal with an account, and a person of that account (other files' tests move deals about).
          const answer = await (await fetch('/api/v1/deals?limit=50&sort=amount&dir=desc')).json()
          const deals = answer.data as { id: string, accountId: string | null }[]
          const deal = deals.find(d => d.accountId)!
          const view = await (await fetch(`/api/v1/deals/${deal.id}`)).json()
          return { deal: deal.id, account: deal.accountId!, contact: view.contacts[0].id as string }
        })
        const problems = watchProblems(page)
        const who = login.email.split('@')[0]
        const pages = [['deal', `/deals/${ids.deal}`], ['account', `/accounts/${ids.account}`], ['contact', `/contacts/${ids.contact}`]]
        for (const [what, path] of pages) {
          await page.goto(`${baseURL}${path}`, { waitUntil: 'networkidle' })
          await page.getByTestId('timeline-row').or(page.getByText('Nothing has happened here yet.')).first().waitFor()
          const rows = await page.getByTestId('timeline-row').allInnerTexts()
          // Words, not stored keys or ids.
          for (const row of rows) {
            expect(row, `${who} ${path}`).not.toMatch(/\b(no_answer|best_case|meeting_held|email_sent|deal_updated)\b/)
            expect(row, `${who} ${path}`).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/)
          }
          await page.screenshot({ path: `${SHOTS}/timeline-${what}-${who}-${viewport.width}.png`, fullPage: viewport.width > 400 })
          expect(problems, `${login.email} ${viewport.width}px ${path}`).toEqual([])
        }
        await page.context().close()
      }
    }
  })
})
