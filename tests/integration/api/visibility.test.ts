import { beforeAll, describe, expect, inject, it } from 'vitest'
import { Client, signUp, unique, type Json } from '../../support/http'
import { routeFiles } from '../../support/routes'
import { subscribe } from '../../support/stripe'

const baseURL = inject('baseURL')

// The role-visibility matrix (as isolation.test.ts is the tenant matrix): two reps share an
// account and a contact, each with a deal on them. Everything the second rep writes on their deal
// — a note, an email with its subject, a logged event, a task — is marked; the first rep reads
// every GET route and must find none of the marks, nor the deal's id. A manager who leads one
// team while a member of another sees the team they lead, everywhere.

const MARK = { note: 'R2MARKNOTE', subject: 'R2MARKSUBJECT', event: 'R2MARKEVENT', task: 'R2MARKTASK', mention: 'R2MARKMAIL' }
const MARKS = Object.values(MARK)

let admin: Client
let rep1: Client
let rep2: Client
let manager: Client
const ids: Record<string, string> = {}

async function invite(role: 'rep' | 'manager', teamId: string | undefined) {
  const email = `${unique(role)}@visibility.test`
  const answer = await admin.post('/api/v1/users', { email, name: `${role} ${email.slice(0, 12)}`, role, teamId })
  expect(answer.status).toBe(201)
  const client = new Client(baseURL)
  expect(
    (
      await client.post('/api/auth/invite/accept', {
        token: answer.body.inviteUrl.split('/invite/')[1],
        password: 'a-long-unusual-password',
      })
    ).status,
  ).toBe(200)
  return { client, id: answer.body.id as string }
}

const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString()

beforeAll(async () => {
  const signedUp = await signUp(baseURL)
  admin = signedUp.client
  await subscribe(baseURL, signedUp.tenant.id) // every capability: every route answers
  ids.east = (await admin.post('/api/v1/teams', { name: 'East' })).body.id
  const lead = await invite('manager', ids.east) // a member of East …
  ids.west = (await admin.post('/api/v1/teams', { name: 'West', managerId: lead.id })).body.id // … who leads West
  const one = await invite('rep', ids.west)
  const two = await invite('rep', ids.east)
  rep1 = one.client
  rep2 = two.client
  manager = lead.client
  ids.rep1 = one.id
  ids.rep2 = two.id
  ids.manager = lead.id
  ids.account = (await admin.post('/api/v1/accounts', { name: 'Shared Account Co' })).body.id
  ids.contact = (
    await admin.post('/api/v1/contacts', {
      firstName: 'Carol',
      lastName: 'Shared',
      email: `${unique('carol')}@shared.test`,
      accountId: ids.account,
    })
  ).body.id
  const deal = (ownerId: string, name: string) =>
    admin.post('/api/v1/deals', { name, amount: 5000, accountId: ids.account, contactIds: [ids.contact], ownerId })
  ids.deal1 = (await deal(ids.rep1!, 'Rep one deal')).body.id
  ids.deal2 = (await deal(ids.rep2!, 'Rep two deal')).body.id
  expect(ids.deal1 && ids.deal2).toBeTruthy()

  // Rep two's private work on their deal.
  expect(
    (
      await rep2.post('/api/v1/activities', {
        type: 'note',
        dealId: ids.deal2,
        contactId: ids.contact,
        body: `${MARK.note} pricing is the blocker`,
      })
    ).status,
  ).toBe(201)
  expect(
    (
      await rep2.post('/api/v1/activities', {
        type: 'email_sent',
        dealId: ids.deal2,
        contactId: ids.contact,
        subject: `${MARK.subject} our offer`,
        messageId: `<${unique('m')}@visibility.test>`,
      })
    ).status,
  ).toBe(201)
  expect(
    (
      await rep2.post('/api/v1/events', {
        type: 'call',
        occurredAt: iso(-60_000),
        source: 'direct',
        subject: { dealId: ids.deal2, contactId: ids.contact },
        metadata: { summary: MARK.event },
      })
    ).status,
  ).toBe(200)
  expect(
    (await rep2.post('/api/v1/tasks', { title: `${MARK.task} send the contract`, dueAt: iso(-3_600_000), dealId: ids.deal2 })).status,
  ).toBe(201)
  // Rep two's saved views of their deal (rep one is in another team: not even the shared one is theirs).
  for (const shared of [false, true]) {
    expect(
      (await rep2.post('/api/v1/views', { name: `${MARK.note} view`, recordType: 'deals', filters: { q: ids.deal2 }, shared })).status,
    ).toBe(201)
  }
  // Rep two's reports (shared and not): rep one is in another team and sees neither.
  for (const shared of [false, true]) {
    const saved = await rep2.post('/api/v1/reports', {
      name: `${MARK.note} report`,
      recordType: 'deals',
      measures: [{ fn: 'count' }],
      filters: [{ field: 'name', op: 'eq', value: 'Rep two deal' }],
      shared,
    })
    expect(saved.status).toBe(201)
    ids[shared ? 'sharedReport' : 'privateReport'] = saved.body.id
  }
  // Rep one's own work, and a note on the shared contact itself (no deal), which whoever sees the contact sees.
  expect(
    (await rep1.post('/api/v1/activities', { type: 'note', dealId: ids.deal1, contactId: ids.contact, body: 'R1OWNNOTE renewal talk' }))
      .status,
  ).toBe(201)
  expect(
    (await rep2.post('/api/v1/activities', { type: 'note', contactId: ids.contact, body: 'CONTACTNOTE prefers mornings' })).status,
  ).toBe(201)
  // Scores, alerts, views and reminders for the tenant, so every read has something to show.
  for (const task of ['momentum:refresh', 'tasks:reminders']) expect((await admin.post(`/api/v1/admin/tasks/${task}`)).status).toBe(200)
})

/** An answer's text must carry none of rep two's marks, nor their deal's id. */
function clean(answer: { status: number, body: Json }, label: string) {
  expect(answer.status, label).toBeLessThan(500)
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)
  for (const mark of MARKS) expect(text, `${label} shows ${mark}`).not.toContain(mark)
  expect(text, `${label} shows rep two's deal`).not.toContain(ids.deal2)
}
const read = async (path: string) => clean(await rep1.get(path), `GET ${path}`)
const range = () => `from=${encodeURIComponent(iso(-86_400_000))}&to=${encodeURIComponent(iso(86_400_000))}`

/** Every GET route, read by rep one with rep two's ids wherever a route takes one. */
const AS_REP: Record<string, () => Promise<void>> = {
  'GET /api/v1/accounts': () => read('/api/v1/accounts?limit=100'),
  'GET /api/v1/accounts/[id]': async () => {
    const answer = await rep1.get(`/api/v1/accounts/${ids.account}`)
    expect(answer.status).toBe(200) // rep one sees the account through their own deal
    clean(answer, 'account')
  },
  'GET /api/v1/accounts/[id]/timeline': async () => {
    const answer = await rep1.get(`/api/v1/accounts/${ids.account}/timeline?limit=200`)
    expect(answer.status).toBe(200)
    clean(answer, 'account timeline')
    expect(JSON.stringify(answer.body)).toContain(ids.deal1)
  },
  'GET /api/v1/admin/tasks': () => read('/api/v1/admin/tasks'),
  'GET /api/v1/alerts': async () => {
    await read('/api/v1/alerts?state=all')
    expect((await rep1.get(`/api/v1/alerts?ownerId=${ids.rep2}`)).status).toBe(404)
  },
  'GET /api/v1/analytics/[kind]': async () => {
    for (const kind of ['conversion', 'time-in-stage', 'win-rate', 'cycle-length']) await read(`/api/v1/analytics/${kind}`)
  },
  'GET /api/v1/api-keys': () => read('/api/v1/api-keys'),
  'GET /api/v1/audit': () => read('/api/v1/audit'),
  'GET /api/v1/automation/rules': () => read('/api/v1/automation/rules'),
  'GET /api/v1/automation/rules/[id]/runs': () => read(`/api/v1/automation/rules/${crypto.randomUUID()}/runs`),
  'GET /api/v1/billing': () => read('/api/v1/billing'),
  'GET /api/v1/tenant': () => read('/api/v1/tenant'),
  'GET /api/v1/tenant/mfa': () => read('/api/v1/tenant/mfa'),
  'GET /api/v1/contacts': () => read('/api/v1/contacts?limit=100'),
  'GET /api/v1/contacts/[id]': async () => {
    const answer = await rep1.get(`/api/v1/contacts/${ids.contact}`)
    expect(answer.status).toBe(200)
    clean(answer, 'contact')
  },
  'GET /api/v1/contacts/[id]/timeline': async () => {
    const answer = await rep1.get(`/api/v1/contacts/${ids.contact}/timeline?limit=200`)
    expect(answer.status).toBe(200)
    clean(answer, 'contact timeline')
    const text = JSON.stringify(answer.body)
    expect(text).toContain(ids.deal1) // the path works: rep one's own activity is there
  },
  'GET /api/v1/contacts/[id]/export': async () => {
    const answer = await rep1.get(`/api/v1/contacts/${ids.contact}/export`)
    expect(answer.status).toBe(200)
    clean(answer, 'contact export')
    const text = JSON.stringify(answer.body)
    expect(text).toContain('R1OWNNOTE')
    expect(text).toContain('CONTACTNOTE')
  },
  'GET /api/v1/custom-fields': () => read('/api/v1/custom-fields'),
  'GET /api/v1/dashboard': () => read('/api/v1/dashboard'),
  'GET /api/v1/industries': () => read('/api/v1/industries'),
  'GET /api/v1/deals': () => read('/api/v1/deals?limit=500'),
  'GET /api/v1/deals/[id]': async () => expect((await rep1.get(`/api/v1/deals/${ids.deal2}`)).status).toBe(404),
  'GET /api/v1/deals/[id]/timeline': async () => expect((await rep1.get(`/api/v1/deals/${ids.deal2}/timeline`)).status).toBe(404),
  'GET /api/v1/deals/[id]/momentum': async () => expect((await rep1.get(`/api/v1/deals/${ids.deal2}/momentum`)).status).toBe(404),
  'GET /api/v1/events': async () => {
    const theirs = await rep1.get(`/api/v1/events?userId=${ids.rep2}&${range()}&limit=200`)
    clean(theirs, 'events of rep two')
    const own = await rep1.get(`/api/v1/events?userId=${ids.rep1}&${range()}&limit=200`)
    expect(JSON.stringify(own.body)).toContain(ids.deal1)
  },
  'GET /api/v1/exports/[file]': async () => {
    for (const file of ['deals.csv', 'accounts.csv', 'contacts.csv']) await read(`/api/v1/exports/${file}`)
  },
  'GET /api/v1/reports/activity': async () => {
    for (const groupBy of ['owner', 'team', 'day', 'week']) await read(`/api/v1/reports/activity?groupBy=${groupBy}`)
    const own = await rep1.get('/api/v1/reports/activity?groupBy=owner')
    expect(own.body.rows.map((r: Json) => r.key)).toEqual([ids.rep1])
    expect((await rep1.get(`/api/v1/reports/activity?ownerId=${ids.rep2}`)).status).toBe(404)
  },
  'GET /api/v1/reports/activity/targets': () => read('/api/v1/reports/activity/targets'),
  'GET /api/v1/focus': () => read('/api/v1/focus?limit=50'),
  'GET /api/v1/forecast': () => read('/api/v1/forecast'),
  'GET /api/v1/forecast/history': () => read('/api/v1/forecast/history'),
  'GET /api/v1/imports': () => read('/api/v1/imports'),
  'GET /api/v1/imports/[id]': () => read(`/api/v1/imports/${crypto.randomUUID()}`),
  'GET /api/v1/integrations/email': () => read('/api/v1/integrations/email'),
  'GET /api/v1/integrations/email/settings': () => read('/api/v1/integrations/email/settings'),
  'GET /api/v1/integrations/email/unmatched': () => read('/api/v1/integrations/email/unmatched'),
  'GET /api/v1/integrations/salesforce': () => read('/api/v1/integrations/salesforce'),
  'GET /api/v1/integrations/salesforce/status': () => read('/api/v1/integrations/salesforce/status'),
  'GET /api/v1/sso': () => read('/api/v1/sso'),
  'GET /api/v1/leads': () => read('/api/v1/leads'),
  'GET /api/v1/leads/[id]': () => read(`/api/v1/leads/${crypto.randomUUID()}`),
  'GET /api/v1/momentum/calibration': () => read('/api/v1/momentum/calibration'),
  'GET /api/v1/notifications': () => read('/api/v1/notifications'),
  'GET /api/v1/notifications/preferences': () => read('/api/v1/notifications/preferences'),
  'GET /api/v1/pipeline/stages': () => read('/api/v1/pipeline/stages'),
  'GET /api/v1/pipeline/summary': () => read('/api/v1/pipeline/summary'),
  'GET /api/v1/search': async () => {
    for (const mark of MARKS) await read(`/api/v1/search?q=${mark}`)
    expect(JSON.stringify((await rep1.get('/api/v1/search?q=R1OWNNOTE')).body)).toContain('R1OWNNOTE')
  },
  'GET /api/v1/sequences': () => read('/api/v1/sequences'),
  'GET /api/v1/stream': async () => {
    // Rep one listens while rep two logs more private activity on their deal.
    const controller = new AbortController()
    const response = await fetch(`${baseURL}/api/v1/stream`, { headers: { cookie: rep1.cookieHeader() }, signal: controller.signal })
    expect(response.status).toBe(200)
    let text = ''
    const reading = (async () => {
      const decoder = new TextDecoder()
      try {
        const reader = response.body!.getReader()
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value)
      }
      catch { /* aborted */ }
    })()
    await new Promise(resolve => setTimeout(resolve, 500))
    await rep2.post('/api/v1/events', {
      type: 'call',
      occurredAt: iso(-1000),
      source: 'direct',
      subject: { dealId: ids.deal2 },
      metadata: { summary: MARK.event },
    })
    await rep1.post('/api/v1/events', { type: 'call', occurredAt: iso(-1000), source: 'direct', subject: { dealId: ids.deal1 } })
    const deadline = Date.now() + 5000
    while (!text.includes(ids.deal1!) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
    controller.abort()
    await reading
    expect(text).toContain(ids.deal1) // the stream works: rep one's own event arrived
    clean({ status: 200, body: text }, 'stream')
  },
  'GET /api/v1/tasks': async () => {
    for (const view of ['', '?due=overdue', '?due=today', '?due=upcoming', '?status=all']) await read(`/api/v1/tasks${view}`)
  },
  'GET /api/v1/teams': () => read('/api/v1/teams'),
  'GET /api/v1/users': () => read('/api/v1/users'),
  'GET /api/v1/me/sessions': () => read('/api/v1/me/sessions'),
  'GET /api/v1/reports': () => read('/api/v1/reports'),
  'GET /api/v1/reports/[id]': async () => {
    for (const id of [ids.sharedReport, ids.privateReport]) expect((await rep1.get(`/api/v1/reports/${id}`)).status).toBe(404)
    // Running a report over all deals counts rep one's own deal only.
    const run = await rep1.post('/api/v1/reports/run', { recordType: 'deals', measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }] })
    expect(run.body.rows).toEqual([{ count: 1, sum_amount: 5000 }])
    clean(run, 'report run')
  },
  'GET /api/v1/views': async () => {
    await read('/api/v1/views')
    await read('/api/v1/views?recordType=deals')
  },
  'GET /api/v1/webhooks': () => read('/api/v1/webhooks'),
  'GET /api/v1/webhooks/[id]/deliveries': () => read(`/api/v1/webhooks/${crypto.randomUUID()}/deliveries`),
}

describe('a rep against another rep\'s deal-linked notes, emails, events and tasks', () => {
  it('lists every GET route of the API in the matrix', () => {
    const gets = routeFiles().filter(r => r.startsWith('GET '))
    expect(gets.filter(r => !AS_REP[r])).toEqual([])
  })

  for (const [route, check] of Object.entries(AS_REP)) {
    it(`leaks nothing of rep two's deal on ${route}`, check)
  }

  it('still shows the other rep\'s deal work to its owner, their admin, and nobody else\'s API key', async () => {
    const own = JSON.stringify((await rep2.get(`/api/v1/contacts/${ids.contact}/export`)).body)
    for (const mark of [MARK.note, MARK.subject]) expect(own).toContain(mark)
    const timeline = JSON.stringify((await admin.get(`/api/v1/deals/${ids.deal2}/timeline?limit=200`)).body)
    expect(timeline).toContain(MARK.event)
  })
})

describe('a manager\'s scope is the team they lead, on every path', () => {
  it('gives the pipeline, forecast and quotas of the team led (West), not of the team they are a member of (East)', async () => {
    const summary = await manager.get(`/api/v1/pipeline/summary?teamId=${ids.east}`)
    expect(summary.status).toBe(404)
    expect((await manager.get(`/api/v1/pipeline/summary?teamId=${ids.west}`)).status).toBe(200)
    expect((await manager.get('/api/v1/dashboard')).body.scope).toBe(`team:${ids.west}`)
    const forecast = (await manager.get('/api/v1/forecast')).body
    const owners = forecast.owners.map((o: Json) => o.ownerId)
    expect(owners).toContain(ids.rep1)
    expect(owners).not.toContain(ids.rep2)
    expect(forecast.teams.map((t: Json) => t.teamId)).not.toContain(ids.east)
    const period = forecast.period.key
    const eastAdjusted = await manager.post('/api/v1/forecast/adjustments', { period, teamId: ids.east, amount: 1, note: 'not mine' })
    expect(eastAdjusted.status).toBe(404)
    const repAdjusted = await manager.post('/api/v1/forecast/adjustments', { period, ownerId: ids.rep2, amount: 1, note: 'not mine' })
    expect(repAdjusted.status).toBe(404)
    expect((await manager.post('/api/v1/forecast/adjustments', { period, teamId: ids.west, amount: 1000, note: 'mine' })).status).toBe(201)
    const eastQuota = await manager.request('PUT', '/api/v1/forecast/quotas', { period, quotas: [{ ownerId: ids.rep2, amount: 10_000 }] })
    expect(eastQuota.status).toBe(404)
    expect(
      (await manager.request('PUT', '/api/v1/forecast/quotas', { period, quotas: [{ ownerId: ids.rep1, amount: 10_000 }] })).status,
    ).toBe(200)
  })
})
