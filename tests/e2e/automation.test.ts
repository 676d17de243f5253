import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_PASSWORD } from '../../server/domain/demo/seed'
import { Client, type Json } from '../support/http'
import { launchChromium, SCREENSHOTS, signIn } from './setup/browser'

const baseURL = inject('baseURL')
let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

describe('automation in the app', () => {
  it('an admin builds a rule in the UI; a rep moves a deal into Proposal and sees the task and the notification', async () => {
    const admin = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
    await signIn(admin, baseURL, 'admin@demo.momentum.test', DEMO_PASSWORD)
    await admin.waitForURL(url => url.pathname !== '/login')
    await admin.goto(`${baseURL}/settings/automation`, { waitUntil: 'networkidle' })
    await admin.getByTestId('rule-new').click()
    await admin.getByTestId('rule-name').fill('Proposal follow-up')
    await expect.poll(() => admin.getByTestId('rule-stage').textContent()).toContain('Proposal')
    await admin.getByTestId('rule-save').click()
    await admin.getByTestId('rule-list').getByText('Proposal follow-up').waitFor()
    expect(await admin.getByTestId('rule-list').textContent()).toContain('When enters Proposal → create task')

    // The rep moves one of their qualified deals into Proposal.
    const rep = await new Client(baseURL).login('riley@demo.momentum.test', DEMO_PASSWORD)
    const me = (await rep.get('/api/auth/me')).body.user
    const deal = (await rep.get(`/api/v1/deals?stage=qualified&ownerId=${me.id}&limit=1`)).body.data[0] as Json
    expect((await rep.post(`/api/v1/deals/${deal.id}/stage`, { to: 'proposal' })).status).toBe(200)
    await expect
      .poll(async () => (await rep.get(`/api/v1/tasks?dealId=${deal.id}`)).body.data.map((t: Json) => t.title), { timeout: 15_000 })
      .toContain(`Follow up on ${deal.name}`)

    // The admin sees the run, and the dry-run lists the deal.
    await admin.reload({ waitUntil: 'networkidle' })
    await admin.getByRole('button', { name: 'Runs of Proposal follow-up' }).click()
    await admin.getByTestId('rule-dry-run').click()
    await admin.getByTestId('dry-run-result').getByText(deal.name).waitFor()
    expect(await admin.getByTestId('dry-run-result').textContent()).toContain('already ran')
    await admin.screenshot({ path: `${SCREENSHOTS}/settings-automation.png`, fullPage: true })
    await admin.close()

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await signIn(page, baseURL, 'riley@demo.momentum.test', DEMO_PASSWORD)
    await page.waitForURL(url => url.pathname !== '/login')
    await page.locator('a[href="/tasks"]').first().click()
    await page.waitForURL(url => url.pathname === '/tasks')
    await page.getByRole('tab', { name: /Upcoming/ }).click()
    await page.getByTestId('task-list').getByText(`Follow up on ${deal.name}`).waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/tasks.png`, fullPage: true })

    await page.getByTestId('notifications-button').click()
    await page.getByTestId('notifications-list').getByText(`New task: Follow up on ${deal.name}`).waitFor()
    await page.getByRole('button', { name: 'Mark all read' }).waitFor()
    await page.waitForTimeout(400) // the slideover's opening transition
    await page.screenshot({ path: `${SCREENSHOTS}/notifications.png` })
    await page.getByTestId('notifications-list').getByText(`New task: Follow up on ${deal.name}`).click()
    await page.waitForURL(url => url.pathname === `/deals/${deal.id}`)
    await page.close()
  })
})
