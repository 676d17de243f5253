import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { signUp, type Json } from '../support/http'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
const smtpSinkURL = inject('smtpSinkURL')
let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

/** The reset link in the newest email the tests' SMTP server received for `address`. */
async function resetLinkFor(address: string): Promise<string> {
  const deadline = Date.now() + 15_000
  for (;;) {
    const mails = ((await (await fetch(smtpSinkURL)).json()) as Json[]).filter(m => m.to.includes(address))
    const link = mails.map(m => /https?:\/\/\S+\/reset-password\?token=[\w%-]+/.exec(m.text)?.[0]).filter(Boolean).at(-1)
    if (link) return link
    if (Date.now() > deadline) throw new Error(`no reset email for ${address}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

async function newPage(width = 1440, height = 900) {
  const context = await browser.newContext({ viewport: { width, height } })
  return context.newPage()
}

describe('a forgotten password', () => {
  it('is reset from the emailed link: a new password set twice, then signing in with it', async () => {
    const { email } = await signUp(baseURL)
    const page = await newPage()
    await page.goto(`${baseURL}/login`, { waitUntil: 'networkidle' })
    await page.getByRole('link', { name: 'Forgot password?' }).click()
    await page.waitForURL(url => url.pathname === '/forgot-password')
    await page.getByLabel('Email').fill(email)
    await page.screenshot({ path: `${SCREENSHOTS}/account-forgot.png` })
    await page.getByRole('button', { name: 'Send the link' }).click()
    await page.getByText('If an account exists for that email, a link is on its way').waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/account-forgot-sent.png` })

    const link = await resetLinkFor(email)
    expect(link.startsWith(`${baseURL}/reset-password?token=`)).toBe(true)
    await page.goto(link, { waitUntil: 'networkidle' })
    await page.getByLabel('New password', { exact: true }).fill('a-fresh-password-1')
    await page.getByLabel('New password, again').fill('a-fresh-password-2')
    await page.getByRole('button', { name: 'Set the new password' }).click()
    await page.getByText('The two passwords differ').waitFor()
    await page.getByLabel('New password, again').fill('a-fresh-password-1')
    await page.screenshot({ path: `${SCREENSHOTS}/account-reset.png` })
    await page.getByRole('button', { name: 'Set the new password' }).click()
    await page.waitForURL(url => url.pathname === '/login')
    await page.getByTestId('reset-done').waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/account-reset-done.png` })

    await signIn(page, baseURL, email, 'a-fresh-password-1')
    await page.waitForURL(url => url.pathname === '/pipeline')

    // The same link a second time: refused, in words.
    const again = await newPage(390, 844)
    await again.goto(link, { waitUntil: 'networkidle' })
    await again.getByLabel('New password', { exact: true }).fill('another-fresh-one')
    await again.getByLabel('New password, again').fill('another-fresh-one')
    await again.getByRole('button', { name: 'Set the new password' }).click()
    await again.getByText('This link has expired or was used already').waitFor()
    await again.screenshot({ path: `${SCREENSHOTS}/account-reset-phone.png` })
    await page.context().close()
    await again.context().close()
  })
})

describe('My account', () => {
  it('lists this device and another, and ends the other one: its next request is 401 and its page goes to sign-in', async () => {
    const { client, email, password } = await signUp(baseURL)
    expect((await client.post('/api/auth/logout')).status).toBe(204) // the sign-up's own session
    const mine = await newPage()
    const theirs = await newPage(390, 844)
    for (const page of [theirs, mine]) {
      await signIn(page, baseURL, email, password)
      await page.waitForURL(url => url.pathname === '/pipeline')
    }
    await mine.getByTestId('my-account').click()
    await mine.waitForURL(url => url.pathname === '/account')
    const sessions = mine.getByTestId('session')
    await expect.poll(() => sessions.count()).toBe(2)
    await mine.locator('[data-testid=session][data-current=true]').getByText('This device').waitFor()
    await expect.poll(() => mine.getByTestId('session-end').count()).toBe(1)
    await mine.screenshot({ path: `${SCREENSHOTS}/account-sessions.png`, fullPage: true })
    await theirs.goto(`${baseURL}/account`, { waitUntil: 'networkidle' })
    await theirs.screenshot({ path: `${SCREENSHOTS}/account-phone.png`, fullPage: true })

    await mine.getByTestId('session-end').click()
    await expect.poll(() => sessions.count()).toBe(1)
    await mine.getByText('You are signed in on this device only.').waitFor()

    expect(await theirs.evaluate(async () => (await fetch('/api/v1/deals')).status)).toBe(401)
    // Its next page load asks for the session, which has ended: it goes to sign-in.
    await theirs.goto(`${baseURL}/deals`, { waitUntil: 'networkidle' })
    await theirs.waitForURL(url => url.pathname === '/login')
    // The other device goes on.
    expect(await mine.evaluate(async () => (await fetch('/api/v1/deals')).status)).toBe(200)
    await mine.context().close()
    await theirs.context().close()
  })

  it('changes the password, naming a wrong current one, and ends the other sessions', async () => {
    const { client, email, password } = await signUp(baseURL)
    expect((await client.post('/api/auth/logout')).status).toBe(204)
    const mine = await newPage()
    const theirs = await newPage()
    for (const page of [theirs, mine]) {
      await signIn(page, baseURL, email, password)
      await page.waitForURL(url => url.pathname === '/pipeline')
    }
    await mine.goto(`${baseURL}/account`, { waitUntil: 'networkidle' })
    await mine.screenshot({ path: `${SCREENSHOTS}/account-password.png` })
    const form = mine
    await form.getByLabel('Current password').fill('not-the-password')
    await form.getByLabel('New password', { exact: true }).fill('my-changed-password')
    await form.getByLabel('New password, again').fill('my-changed-password')
    await form.getByRole('button', { name: 'Change password' }).click()
    await form.getByText('not your current password').waitFor()
    await form.getByLabel('Current password').fill(password)
    await form.getByRole('button', { name: 'Change password' }).click()
    await mine.getByText('Password changed. Your other sessions have ended.', { exact: true }).waitFor()
    await expect.poll(() => mine.getByTestId('session').count()).toBe(1)
    expect(await theirs.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(401)
    await mine.context().close()
    await theirs.context().close()
  })
})

describe('People, for admins', () => {
  it('ends every session of a member after a confirmation', async () => {
    const { client: admin, email, password } = await signUp(baseURL)
    const invite = await admin.post('/api/v1/users', { email: `member-${Date.now()}@account.test`, name: 'Morgan Member', role: 'rep' })
    const memberPage = await newPage()
    await memberPage.goto(`${baseURL}${new URL(invite.body.inviteUrl).pathname}`, { waitUntil: 'networkidle' })
    await memberPage.getByLabel('Choose a password').fill('members-own-password')
    await memberPage.getByRole('button', { name: 'Join' }).click()
    await memberPage.waitForURL(url => url.pathname === '/pipeline')

    const page: Page = await newPage()
    await signIn(page, baseURL, email, password)
    await page.waitForURL(url => url.pathname === '/pipeline')
    await page.goto(`${baseURL}/settings/users`, { waitUntil: 'networkidle' })
    await page.getByRole('button', { name: 'End all sessions of Morgan Member' }).click()
    await page.getByText('End every session of Morgan Member?').waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/account-people-end-sessions.png` })
    await page.getByTestId('end-sessions-confirm').click()
    await page.getByText('Every session of Morgan Member has ended.', { exact: true }).waitFor()
    expect(await memberPage.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(401)
    await memberPage.reload({ waitUntil: 'networkidle' })
    await memberPage.waitForURL(url => url.pathname === '/login')
    await page.context().close()
    await memberPage.context().close()
  })
})
