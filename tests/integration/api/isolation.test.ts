import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, signUp, type Json } from '../../support/http'
import { routeFiles } from '../../support/routes'
import { startOidcProvider, type OidcProvider } from '../../support/oidc'
import { subscribe } from '../../support/stripe'

const baseURL = inject('baseURL')

// Tenant B is the seeded demo tenant (it has deals, users, teams); tenant A signs up fresh.
let a: Client
let b: Client
const ids: Record<string, string> = {}
beforeAll(async () => {
  const signedUp = await signUp(baseURL)
  a = signedUp.client
  await subscribe(baseURL, signedUp.tenant.id) // API keys are an enterprise capability
  b = await new Client(baseURL).login(DEMO_LOGINS[0].email, DEMO_PASSWORD)
  ids.deal = (await b.get('/api/v1/deals?limit=1')).body.data[0].id
  ids.user = (await b.get('/api/v1/users')).body.data.find((u: Json) => u.role === 'rep').id
  ids.team = (await b.get('/api/v1/teams')).body.data[0].id
  ids.apiKey = (await b.post('/api/v1/api-keys', { name: 'b key', scopes: ['read', 'write'] })).body.id
  ids.account = (await b.get('/api/v1/accounts?limit=1')).body.data[0].id
  ids.contact = (await b.get('/api/v1/contacts?limit=1')).body.data[0].id
  ids.lead = (await b.post('/api/v1/leads', { name: 'B Lead', company: 'B Co', source: 'referral' })).body.id
  ids.alert = (await b.get('/api/v1/alerts')).body.data[0].id
  ids.openDeal = (await b.get('/api/v1/focus?limit=1')).body.data[0].deal.id
  ids.tenantA = signedUp.tenant.id
  ids.session = (await b.get('/api/v1/me/sessions')).body.data.find((x: Json) => x.current).id
  ids.task = (
    await b.post('/api/v1/tasks', { title: 'B task', dueAt: new Date(Date.now() - 60_000).toISOString(), dealId: ids.openDeal })
  ).body.id
  await b.post('/api/v1/admin/tasks/tasks:reminders')
  ids.notification = (await b.get('/api/v1/notifications')).body.data.find((n: Json) => n.taskId === ids.task).id
  ids.rule = (
    await b.post('/api/v1/automation/rules', {
      name: 'B rule',
      trigger: { kind: 'lead_created' },
      actions: [{ kind: 'notify', to: 'owner', message: 'new lead' }],
    })
  ).body.id
  ids.sequence = (
    await b.post('/api/v1/sequences', { name: 'B seq', steps: [{ subject: 'Hi', body: 'Hello {{contact.firstName}}', waitDays: 0 }] })
  ).body.id
  ids.webhook = (await b.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/b-hook', events: ['note'] })).body.id
  ids.view = (
    await b.post('/api/v1/views', { name: 'B shared view', recordType: 'deals', filters: { stage: 'new' }, shared: true })
  ).body.id
  ids.report = (
    await b.post('/api/v1/reports', { name: 'B shared report', recordType: 'deals', measures: [{ fn: 'count' }], shared: true })
  ).body.id
  ids.import = (
    await b.upload(
      '/api/v1/imports',
      { kind: 'accounts', mapping: JSON.stringify({ name: 'name' }) },
      { name: 'b.csv', content: 'name\nB Imported Co\n' },
    )
  ).body.id
})

/** B's Salesforce connection: saving it reaches no Salesforce, so any address does. */
const SALESFORCE_B = {
  instanceUrl: 'http://127.0.0.1:1',
  authFlow: 'client_credentials',
  clientId: 'b-client',
  clientSecret: 'b-secret-value',
}

/** A real OpenID provider for B's single sign-on (saving it runs discovery), started when first needed. */
let oidc: OidcProvider | undefined
const ssoOf = async (domains: string[]) => {
  oidc ??= await startOidcProvider({ redirectUri: `${baseURL}/api/auth/sso/callback` })
  return { issuer: oidc.issuer, clientId: oidc.client.clientId, clientSecret: oidc.client.clientSecret, domains, jitProvisioning: true }
}
afterAll(() => oidc?.close())
const SSO_B_DOMAIN = `b-${Date.now().toString(36)}.test`

/** Every /api/v1 route, and what tenant A gets when it names tenant B's records. */
const CROSS_TENANT: Record<string, () => Promise<void>> = {
  'GET /api/v1/deals': async () => {
    const answer = await a.get('/api/v1/deals?limit=500')
    expect(answer.status).toBe(200)
    expect(answer.body.data).toEqual([])
  },
  'POST /api/v1/deals': async () => {
    const answer = await a.post('/api/v1/deals', { name: 'Cross', amount: 1, ownerId: ids.user })
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues).toEqual([{ path: 'ownerId', message: 'no such active user' }])
  },
  'PATCH /api/v1/deals/[id]': async () => {
    expect((await a.patch(`/api/v1/deals/${ids.deal}`, { amount: 1 })).status).toBe(404)
  },
  'POST /api/v1/deals/[id]/stage': async () => {
    expect((await a.post(`/api/v1/deals/${ids.deal}/stage`, { to: 'lost' })).status).toBe(404)
    expect((await b.get(`/api/v1/deals/${ids.deal}`)).body.stage).not.toBe('lost')
  },
  'POST /api/v1/deals/bulk': async () => {
    const answer = await a.post('/api/v1/deals/bulk', { ids: [ids.deal], set: { stage: 'lost' } })
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ updated: [], refused: [{ id: ids.deal, reason: 'not found' }] })
    expect((await a.post('/api/v1/deals/bulk', { ids: [ids.deal], delete: true })).body.refused).toEqual([
      { id: ids.deal, reason: 'not found' },
    ])
    expect((await b.get(`/api/v1/deals/${ids.deal}`)).body.stage).not.toBe('lost')
  },
  'GET /api/v1/views': async () => {
    expect((await a.get('/api/v1/views')).body.data.map((v: Json) => v.id)).not.toContain(ids.view)
  },
  'POST /api/v1/views': async () => {
    const created = (await a.post('/api/v1/views', { name: 'A view', recordType: 'deals', shared: true })).body
    expect((await b.get('/api/v1/views')).body.data.map((v: Json) => v.id)).not.toContain(created.id)
  },
  'PATCH /api/v1/views/[id]': async () => {
    expect((await a.patch(`/api/v1/views/${ids.view}`, { name: 'Taken' })).status).toBe(404)
  },
  'DELETE /api/v1/views/[id]': async () => {
    expect((await a.delete(`/api/v1/views/${ids.view}`)).status).toBe(404)
    expect((await b.get('/api/v1/views')).body.data.map((v: Json) => v.id)).toContain(ids.view)
  },
  'POST /api/v1/reports/run': async () => {
    const answer = await a.post('/api/v1/reports/run', { recordType: 'deals', measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }] })
    expect(answer.status).toBe(200)
    const own = (await a.get('/api/v1/deals?limit=500')).body.data as Json[]
    expect(answer.body.rows[0].count).toBe(own.length)
  },
  'GET /api/v1/reports': async () => {
    expect((await a.get('/api/v1/reports')).body.data.map((r: Json) => r.id)).not.toContain(ids.report)
  },
  'POST /api/v1/reports': async () => {
    const body = { name: 'A report', recordType: 'deals', measures: [{ fn: 'count' }], shared: true }
    const created = (await a.post('/api/v1/reports', body)).body
    expect((await b.get('/api/v1/reports')).body.data.map((r: Json) => r.id)).not.toContain(created.id)
  },
  'GET /api/v1/reports/[id]': async () => {
    expect((await a.get(`/api/v1/reports/${ids.report}`)).status).toBe(404)
  },
  'PATCH /api/v1/reports/[id]': async () => {
    expect((await a.patch(`/api/v1/reports/${ids.report}`, { name: 'Taken' })).status).toBe(404)
  },
  'DELETE /api/v1/reports/[id]': async () => {
    expect((await a.delete(`/api/v1/reports/${ids.report}`)).status).toBe(404)
    expect((await b.get(`/api/v1/reports/${ids.report}`)).status).toBe(200)
  },
  'PUT /api/v1/pipeline/stages': async () => {
    const stages = (await a.get('/api/v1/pipeline/stages')).body.data
    expect(
      (await a.request('PUT', '/api/v1/pipeline/stages', { stages: stages.map((s: Json) => ({ ...s, name: `${s.name}!` })) })).status,
    ).toBe(200)
    expect((await b.get('/api/v1/pipeline/stages')).body.data[0].name).toBe('New')
  },
  'GET /api/v1/accounts': async () => {
    expect((await a.get('/api/v1/accounts?limit=500')).body.data).toEqual([])
  },
  'POST /api/v1/accounts': async () => {
    const answer = await a.post('/api/v1/accounts', { name: 'Mine', ownerId: ids.user })
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues).toEqual([{ path: 'ownerId', message: 'no such active user' }])
  },
  'GET /api/v1/accounts/[id]': async () => {
    expect((await a.get(`/api/v1/accounts/${ids.account}`)).status).toBe(404)
  },
  'PATCH /api/v1/accounts/[id]': async () => {
    expect((await a.patch(`/api/v1/accounts/${ids.account}`, { name: 'Taken' })).status).toBe(404)
  },
  'DELETE /api/v1/accounts/[id]': async () => {
    expect((await a.delete(`/api/v1/accounts/${ids.account}`)).status).toBe(404)
    expect((await b.get(`/api/v1/accounts/${ids.account}`)).status).toBe(200)
  },
  'GET /api/v1/accounts/[id]/timeline': async () => {
    expect((await a.get(`/api/v1/accounts/${ids.account}/timeline`)).status).toBe(404)
  },
  'GET /api/v1/contacts/[id]/timeline': async () => {
    expect((await a.get(`/api/v1/contacts/${ids.contact}/timeline`)).status).toBe(404)
  },
  'GET /api/v1/contacts': async () => {
    expect((await a.get('/api/v1/contacts?limit=500')).body.data).toEqual([])
  },
  'POST /api/v1/contacts': async () => {
    const answer = await a.post('/api/v1/contacts', { firstName: 'Spy', accountId: ids.account })
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues).toEqual([{ path: 'accountId', message: 'no such account' }])
  },
  'GET /api/v1/contacts/[id]': async () => {
    expect((await a.get(`/api/v1/contacts/${ids.contact}`)).status).toBe(404)
  },
  'PATCH /api/v1/contacts/[id]': async () => {
    expect((await a.patch(`/api/v1/contacts/${ids.contact}`, { firstName: 'Taken' })).status).toBe(404)
  },
  'DELETE /api/v1/contacts/[id]': async () => {
    expect((await a.delete(`/api/v1/contacts/${ids.contact}`)).status).toBe(404)
    expect((await b.get(`/api/v1/contacts/${ids.contact}`)).status).toBe(200)
  },
  'GET /api/v1/leads': async () => {
    expect((await a.get('/api/v1/leads')).body.data).toEqual([])
  },
  'POST /api/v1/leads': async () => {
    expect((await a.post('/api/v1/leads', { name: 'L', ownerId: ids.user })).body.data.issues).toEqual([
      { path: 'ownerId', message: 'no such active user' },
    ])
  },
  'GET /api/v1/leads/[id]': async () => {
    expect((await a.get(`/api/v1/leads/${ids.lead}`)).status).toBe(404)
  },
  'PATCH /api/v1/leads/[id]': async () => {
    expect((await a.patch(`/api/v1/leads/${ids.lead}`, { name: 'Taken over' })).status).toBe(404)
    expect((await b.get(`/api/v1/leads/${ids.lead}`)).body.name).toBe('B Lead')
  },
  'POST /api/v1/leads/[id]/convert': async () => {
    expect((await a.post(`/api/v1/leads/${ids.lead}/convert`, {})).status).toBe(404)
    expect((await b.get('/api/v1/leads')).body.data.find((l: Json) => l.id === ids.lead).status).toBe('open')
  },
  'GET /api/v1/custom-fields': async () => {
    await b.request('PUT', '/api/v1/custom-fields/lead', { fields: [{ key: 'b_only', label: 'B only', type: 'text' }] })
    expect((await a.get('/api/v1/custom-fields')).body.data.lead).toEqual([])
  },
  'PUT /api/v1/custom-fields/[entity]': async () => {
    expect((await a.request('PUT', '/api/v1/custom-fields/lead', { fields: [] })).status).toBe(200)
    expect((await b.get('/api/v1/custom-fields')).body.data.lead.map((f: Json) => f.key)).toEqual(['b_only'])
  },
  'GET /api/v1/industries': async () => {
    expect((await b.post('/api/v1/accounts', { name: 'B Smelter', industry: 'Zinc smelting' })).status).toBe(201)
    expect((await b.get('/api/v1/industries')).body.data).toContain('Zinc smelting')
    expect((await a.get('/api/v1/industries')).body.data).not.toContain('Zinc smelting')
  },
  'POST /api/v1/imports': async () => {
    const bAccount = (await b.get(`/api/v1/accounts/${ids.account}`)).body
    const started = await a.upload(
      '/api/v1/imports',
      { kind: 'contacts', mapping: JSON.stringify({ email: 'email', accountName: 'company' }) },
      { name: 'a.csv', content: `email,company\ncross@a.test,${bAccount.name}\n` },
    )
    expect(started.status).toBe(202)
    await expect.poll(async () => (await a.get(`/api/v1/imports/${started.body.id}`)).body.status).toBe('done')
    // A's file named B's account: A got an account of its own; B's account has no new contact.
    expect((await a.get('/api/v1/accounts')).body.data.map((x: Json) => x.name)).toEqual([bAccount.name])
    expect((await b.get(`/api/v1/accounts/${ids.account}`)).body.contacts.map((c: Json) => c.email)).not.toContain('cross@a.test')
  },
  'GET /api/v1/imports': async () => {
    expect((await a.get('/api/v1/imports')).body.data.map((i: Json) => i.id)).not.toContain(ids.import)
  },
  'GET /api/v1/imports/[id]': async () => {
    expect((await a.get(`/api/v1/imports/${ids.import}`)).status).toBe(404)
    expect((await b.get(`/api/v1/imports/${ids.import}`)).status).toBe(200)
  },
  'GET /api/v1/exports/[file]': async () => {
    for (const file of ['deals.csv', 'accounts.csv', 'contacts.csv']) {
      const text = (await a.get(`/api/v1/exports/${file}`)).body as string
      expect(text).not.toContain(ids.deal)
      expect(text).not.toContain(ids.account)
      expect(text).not.toContain(ids.contact)
    }
  },
  'GET /api/v1/contacts/[id]/export': async () => {
    expect((await a.get(`/api/v1/contacts/${ids.contact}/export`)).status).toBe(404)
  },
  'POST /api/v1/contacts/[id]/erase': async () => {
    expect((await a.post(`/api/v1/contacts/${ids.contact}/erase`)).status).toBe(404)
    expect((await b.get(`/api/v1/contacts/${ids.contact}`)).body.erasedAt).toBeNull()
  },
  'GET /api/v1/search': async () => {
    const bName = (await b.get(`/api/v1/accounts/${ids.account}`)).body.name
    // A has an account of that name too (its import above): only A's own may show.
    const found = (await a.get(`/api/v1/search?q=${encodeURIComponent(bName)}`)).body.data as Json[]
    expect(found.map(r => r.id)).not.toContain(ids.account)
  },
  'GET /api/v1/deals/[id]': async () => {
    expect((await a.get(`/api/v1/deals/${ids.deal}`)).status).toBe(404)
  },
  'GET /api/v1/deals/[id]/momentum': async () => {
    expect((await a.get(`/api/v1/deals/${ids.openDeal}/momentum`)).status).toBe(404)
    expect((await b.get(`/api/v1/deals/${ids.openDeal}/momentum`)).body.score).not.toBeNull()
  },
  'GET /api/v1/pipeline/summary': async () => {
    expect((await a.get('/api/v1/pipeline/summary')).body.totals).toMatchObject({ openCount: 0, openValue: 0 })
    expect((await a.get(`/api/v1/pipeline/summary?ownerId=${ids.user}`)).status).toBe(200) // an admin asks: nothing of B's shows
    expect((await a.get(`/api/v1/pipeline/summary?ownerId=${ids.user}`)).body.totals.openCount).toBe(0)
    expect((await a.get(`/api/v1/pipeline/summary?teamId=${ids.team}`)).status).toBe(404)
  },
  'GET /api/v1/reports/activity': async () => {
    const own = await a.get('/api/v1/reports/activity?groupBy=owner')
    expect(own.status).toBe(200)
    expect(JSON.stringify(own.body)).not.toContain(ids.user)
    const theirs = await a.get(`/api/v1/reports/activity?ownerId=${ids.user}`) // an admin asks: nothing of B's shows
    expect(theirs.status).toBe(200)
    expect(theirs.body.rows).toEqual([])
    expect((await a.get(`/api/v1/reports/activity?teamId=${ids.team}`)).status).toBe(404)
  },
  'GET /api/v1/reports/activity/targets': async () => {
    const answer = await a.get('/api/v1/reports/activity/targets')
    expect(answer.status).toBe(200)
    expect(JSON.stringify(answer.body)).not.toContain(ids.user)
  },
  'PUT /api/v1/reports/activity/targets': async () => {
    expect((await a.request('PUT', '/api/v1/reports/activity/targets', { ownerId: ids.user, targets: { calls: 1 } })).status).toBe(404)
    expect((await a.request('PUT', '/api/v1/reports/activity/targets', { teamId: ids.team, targets: { calls: 1 } })).status).toBe(404)
  },
  'GET /api/v1/focus': async () => {
    expect((await a.get('/api/v1/focus')).body.data).toEqual([])
    expect((await a.get(`/api/v1/focus?ownerId=${ids.user}`)).body.data).toEqual([])
  },
  'GET /api/v1/alerts': async () => {
    expect((await a.get('/api/v1/alerts?state=all')).body).toEqual({ data: [], total: 0 })
    expect((await a.get(`/api/v1/alerts?state=all&ownerId=${ids.user}`)).body).toEqual({ data: [], total: 0 })
  },
  'POST /api/v1/alerts/[id]/snooze': async () => {
    const until = new Date(Date.now() + 86_400_000).toISOString()
    expect((await a.post(`/api/v1/alerts/${ids.alert}/snooze`, { until })).status).toBe(404)
    expect((await b.get('/api/v1/alerts?limit=500')).body.data.map((x: Json) => x.id)).toContain(ids.alert)
  },
  'POST /api/v1/alerts/[id]/restore': async () => {
    expect((await a.post(`/api/v1/alerts/${ids.alert}/restore`)).status).toBe(404)
  },
  'POST /api/v1/alerts/[id]/dismiss': async () => {
    expect((await a.post(`/api/v1/alerts/${ids.alert}/dismiss`)).status).toBe(404)
    expect((await b.get('/api/v1/alerts?limit=500')).body.data.map((x: Json) => x.id)).toContain(ids.alert)
  },
  'GET /api/v1/momentum/calibration': async () => {
    const answer = await a.get('/api/v1/momentum/calibration')
    expect(answer.body.closed).toMatchObject({ won: 0, lost: 0 })
    expect(answer.body.scored).toEqual({ won: 0, lost: 0 })
    expect(answer.body.curve).toEqual([])
    expect(answer.body.signals.every((signal: Json) => signal.deals === 0)).toBe(true)
  },
  'GET /api/v1/forecast': async () => {
    const answer = (await a.get('/api/v1/forecast?period=2026-Q4')).body
    expect(answer.owners.map((o: Json) => o.ownerId)).not.toContain(ids.user)
    expect(answer.total).toMatchObject({ closedWon: 0, open: 0 })
  },
  'GET /api/v1/forecast/history': async () => {
    const answer = (await a.get('/api/v1/forecast/history?period=2026-Q4')).body
    expect(answer).toMatchObject({ actual: 0, slipped: { deals: [] }, pulledIn: { deals: [] } })
  },
  'POST /api/v1/forecast/adjustments': async () => {
    expect((await a.post('/api/v1/forecast/adjustments', { period: '2026-Q4', ownerId: ids.user, amount: 1, note: 'x' })).status).toBe(404)
    expect((await a.post('/api/v1/forecast/adjustments', { period: '2026-Q4', teamId: ids.team, amount: 1, note: 'x' })).status).toBe(404)
  },
  'PUT /api/v1/forecast/quotas': async () => {
    const answer = await a.request('PUT', '/api/v1/forecast/quotas', { period: '2026-Q4', quotas: [{ ownerId: ids.user, amount: 1 }] })
    expect(answer.status).toBe(404)
  },
  'GET /api/v1/analytics/[kind]': async () => {
    for (const kind of ['conversion', 'time-in-stage', 'win-rate', 'cycle-length']) {
      expect((await a.get(`/api/v1/analytics/${kind}?from=2020-01-01&to=2030-01-01`)).body.data, kind).toEqual([])
    }
  },
  'GET /api/v1/integrations/email': async () => {
    await b.post('/api/v1/integrations/email', { provider: 'mailgun', verification: { signingKey: 'b-signing-key-0123456789' } })
    expect((await a.get('/api/v1/integrations/email')).body.data).toEqual([])
  },
  'POST /api/v1/integrations/email': async () => {
    const created = (
      await a.post('/api/v1/integrations/email', { provider: 'mailgun', verification: { signingKey: 'a-signing-key-0123456789' } })
    ).body
    expect((await b.get('/api/v1/integrations/email')).body.data.map((c: Json) => c.id)).not.toContain(created.id)
  },
  'GET /api/v1/integrations/email/settings': async () => {
    expect((await a.get('/api/v1/integrations/email/settings')).body).toMatchObject({ emailPayloadRetentionDays: 30, rawPayloads: 0 })
  },
  'PUT /api/v1/integrations/email/settings': async () => {
    expect(
      (await a.request('PUT', '/api/v1/integrations/email/settings', { emailPayloadRetentionDays: 7 })).body.emailPayloadRetentionDays,
    ).toBe(7)
    expect((await b.get('/api/v1/integrations/email/settings')).body.emailPayloadRetentionDays).toBe(30)
  },
  'GET /api/v1/integrations/email/unmatched': async () => {
    expect((await a.get('/api/v1/integrations/email/unmatched')).body.data).toEqual([])
  },
  'GET /api/v1/integrations/salesforce': async () => {
    expect((await b.request('PUT', '/api/v1/integrations/salesforce', SALESFORCE_B)).status).toBe(200)
    expect((await a.get('/api/v1/integrations/salesforce')).status).toBe(404)
  },
  'PUT /api/v1/integrations/salesforce': async () => {
    expect(
      (
        await a.request('PUT', '/api/v1/integrations/salesforce', {
          ...SALESFORCE_B,
          instanceUrl: 'http://127.0.0.1:2',
          clientId: 'a-client',
        })
      ).body.clientId,
    ).toBe('a-client')
    expect((await b.get('/api/v1/integrations/salesforce')).body).toMatchObject({
      instanceUrl: SALESFORCE_B.instanceUrl,
      clientId: SALESFORCE_B.clientId,
    })
  },
  'GET /api/v1/integrations/salesforce/status': async () => {
    expect((await a.get('/api/v1/integrations/salesforce/status')).body.lastRun).toBeNull()
  },
  'POST /api/v1/integrations/salesforce/sync': async () => {
    // A's run (against an address where nothing listens) fails on its own; B's connection never ran.
    expect((await a.post('/api/v1/integrations/salesforce/sync')).body.status).toBe('failed')
    expect((await b.get('/api/v1/integrations/salesforce/status')).body).toMatchObject({ lastRun: null, lastError: null })
  },
  'DELETE /api/v1/integrations/salesforce': async () => {
    expect((await a.delete('/api/v1/integrations/salesforce')).status).toBe(204)
    expect((await b.get('/api/v1/integrations/salesforce')).status).toBe(200)
    expect((await b.delete('/api/v1/integrations/salesforce')).status).toBe(204)
  },
  'GET /api/v1/sso': async () => {
    expect((await b.request('PUT', '/api/v1/sso', await ssoOf([SSO_B_DOMAIN]))).status).toBe(200)
    expect((await a.get('/api/v1/sso')).body).toMatchObject({ configured: false, issuer: null, domains: [] })
  },
  'PUT /api/v1/sso': async () => {
    if ((await b.get('/api/v1/sso')).body.configured !== true) await b.request('PUT', '/api/v1/sso', await ssoOf([SSO_B_DOMAIN]))
    const taken = await a.request('PUT', '/api/v1/sso', await ssoOf([SSO_B_DOMAIN]))
    expect(taken.status).toBe(409)
    expect(taken.body.data).toMatchObject({ field: 'domains', domains: [SSO_B_DOMAIN] })
    expect((await a.request('PUT', '/api/v1/sso', { ...await ssoOf([`a-${SSO_B_DOMAIN}`]), ssoOnly: true })).status).toBe(200)
    expect((await b.get('/api/v1/sso')).body).toMatchObject({ domains: [SSO_B_DOMAIN], ssoOnly: false })
  },
  'GET /api/v1/dashboard': async () => {
    const answer = (await a.get('/api/v1/dashboard')).body
    expect(answer.board.flatMap((c: Json) => c.cards)).toEqual([])
    expect(answer.alerts).toEqual([])
    expect(answer.recent).toEqual([])
    expect((await a.get(`/api/v1/dashboard?teamId=${ids.team}`)).status).toBe(404)
  },
  'GET /api/v1/stream': async () => {
    // A stage move in B while A listens: A hears nothing about it.
    const controller = new AbortController()
    const response = await fetch(`${baseURL}/api/v1/stream`, { headers: { cookie: a.cookieHeader() }, signal: controller.signal })
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const reader = response.body!.getReader()
    let text = ''
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        text += new TextDecoder().decode(value)
      }
    })().catch(() => undefined)
    await b.post('/api/v1/activities', { type: 'note', dealId: ids.openDeal, body: 'B only' })
    await new Promise(resolve => setTimeout(resolve, 500))
    controller.abort()
    await reading
    expect(text).toContain('event: ready')
    expect(text).not.toContain(ids.openDeal)
  },
  'GET /api/v1/admin/tasks': async () => {
    const runs = (await a.get('/api/v1/admin/tasks')).body.data as Json[]
    expect(runs.every(r => r.tenantId === null || r.tenantId === ids.tenantA)).toBe(true)
    const reminders = (await a.get('/api/v1/admin/tasks?name=tasks:reminders')).body.data as Json[]
    expect(reminders.every(r => r.tenantId === null || r.tenantId === ids.tenantA)).toBe(true)
  },
  'GET /api/v1/tenant': async () => {
    expect((await a.get('/api/v1/tenant')).body).toMatchObject({ id: ids.tenantA, currency: 'USD' })
  },
  'GET /api/v1/tenant/mfa': async () => {
    expect((await a.get('/api/v1/tenant/mfa')).body).toEqual({ requireMfa: false })
  },
  'PATCH /api/v1/tenant/mfa': async () => {
    // Tenant A's admin has no second factor, so A may not require it; B's setting is untouched either way.
    expect((await a.patch('/api/v1/tenant/mfa', { requireMfa: true })).status).toBe(400)
    expect((await a.patch('/api/v1/tenant/mfa', { requireMfa: false })).body).toEqual({ requireMfa: false })
    expect((await b.get('/api/v1/tenant/mfa')).body).toEqual({ requireMfa: false })
  },
  'PATCH /api/v1/tenant': async () => {
    expect((await a.patch('/api/v1/tenant', { currency: 'JPY' })).body).toMatchObject({ id: ids.tenantA, currency: 'JPY' })
    expect((await b.get('/api/v1/tenant')).body.currency).toBe('USD')
    expect((await a.patch('/api/v1/tenant', { currency: 'USD' })).status).toBe(200)
  },
  'POST /api/v1/admin/tasks/[name]': async () => {
    const before = (await b.get(`/api/v1/deals/${ids.openDeal}/momentum`)).body.computedAt
    const runs = (await a.post('/api/v1/admin/tasks/momentum:refresh?full=1')).body.data as Json[]
    expect(runs[0]).toMatchObject({ name: 'momentum:refresh', tenantId: ids.tenantA, status: 'done', touched: 0 })
    expect((await b.get(`/api/v1/deals/${ids.openDeal}/momentum`)).body.computedAt).toBe(before)
  },
  'GET /api/v1/deals/[id]/timeline': async () => {
    expect((await a.get(`/api/v1/deals/${ids.deal}/timeline`)).status).toBe(404)
  },
  'POST /api/v1/events': async () => {
    const answer = await a.post('/api/v1/events', {
      type: 'note',
      occurredAt: new Date().toISOString(),
      source: 'direct',
      subject: { dealId: ids.deal },
    })
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues).toEqual([{ index: 0, path: 'subject.dealId', message: 'no such deal' }])
    expect(
      (await b.get(`/api/v1/deals/${ids.deal}/timeline?limit=500`)).body.data.filter(
        (e: Json) => e.type === 'note' && e.source === 'direct' && !e.actorUserId,
      ),
    ).toEqual([])
  },
  'GET /api/v1/events': async () => {
    const range = `from=${encodeURIComponent('2020-01-01T00:00:00Z')}&to=${encodeURIComponent('2030-01-01T00:00:00Z')}`
    const answer = await a.get(`/api/v1/events?userId=${ids.user}&${range}`)
    expect(answer.status).toBe(200)
    expect(answer.body.data).toEqual([])
  },
  'POST /api/v1/activities': async () => {
    const answer = await a.post('/api/v1/activities', { type: 'call', dealId: ids.deal, durationSeconds: 60, outcome: 'connected' })
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues).toEqual([{ index: 0, path: 'subject.dealId', message: 'no such deal' }])
  },
  'GET /api/v1/billing': async () => {
    const answer = await a.get('/api/v1/billing')
    expect(answer.body).toMatchObject({ plan: 'enterprise', usage: { users: 1, openDeals: 0 } })
  },
  'POST /api/v1/billing/checkout': async () => {
    const answer = await a.post('/api/v1/billing/checkout', { plan: 'pro', interval: 'month' })
    expect(answer.status).toBe(200)
    expect(answer.body.url).toMatch(/^https:\/\/checkout\.stripe\.local\//)
  },
  'POST /api/v1/billing/portal': async () => {
    expect((await a.post('/api/v1/billing/portal')).status).toBe(200)
  },
  'GET /api/v1/pipeline/stages': async () => {
    const answer = await a.get('/api/v1/pipeline/stages')
    expect(answer.body.data.map((s: Json) => s.key)).toEqual(['new', 'contacted', 'qualified', 'proposal', 'negotiation', 'won', 'lost'])
    expect(JSON.stringify(answer.body)).not.toContain(ids.deal)
  },
  'GET /api/v1/users': async () => {
    const answer = await a.get('/api/v1/users')
    expect(answer.body.data).toHaveLength(1)
    expect(answer.body.data.map((u: Json) => u.id)).not.toContain(ids.user)
  },
  'POST /api/v1/users': async () => {
    const answer = await a.post('/api/v1/users', { email: 'x@a.test', name: 'X', role: 'rep', teamId: ids.team })
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues).toEqual([{ path: 'teamId', message: 'no such team' }])
  },
  'POST /api/v1/users/[id]/mfa/reset': async () => {
    expect((await a.post(`/api/v1/users/${ids.user}/mfa/reset`)).status).toBe(404)
  },
  'PATCH /api/v1/users/[id]': async () => {
    expect((await a.patch(`/api/v1/users/${ids.user}`, { active: false })).status).toBe(404)
  },
  'POST /api/v1/users/[id]/sessions/end': async () => {
    expect((await a.post(`/api/v1/users/${ids.user}/sessions/end`)).status).toBe(404)
  },
  'GET /api/v1/me/sessions': async () => {
    const answer = await a.get('/api/v1/me/sessions')
    expect(answer.status).toBe(200)
    expect(answer.body.data.map((x: Json) => x.id)).not.toContain(ids.session)
  },
  'DELETE /api/v1/me/sessions/[id]': async () => {
    expect((await a.delete(`/api/v1/me/sessions/${ids.session}`)).status).toBe(404)
    expect((await b.get('/api/v1/me/sessions')).status).toBe(200)
  },
  'GET /api/v1/teams': async () => {
    expect((await a.get('/api/v1/teams')).body.data).toEqual([])
  },
  'POST /api/v1/teams': async () => {
    expect((await a.post('/api/v1/teams', { name: 'Stolen', managerId: ids.user })).status).toBe(400)
  },
  'GET /api/v1/api-keys': async () => {
    expect((await a.get('/api/v1/api-keys')).body.data).toEqual([])
  },
  'POST /api/v1/api-keys': async () => {
    const created = await a.post('/api/v1/api-keys', { name: 'a key', scopes: ['read', 'write'] })
    expect(created.status).toBe(201)
    const withKey = new Client(baseURL, { authorization: `Bearer ${created.body.key}` })
    expect((await withKey.get(`/api/v1/deals/${ids.deal}`)).status).toBe(404)
    expect((await withKey.get('/api/v1/deals')).body.data).toEqual([])
  },
  'DELETE /api/v1/api-keys/[id]': async () => {
    expect((await a.delete(`/api/v1/api-keys/${ids.apiKey}`)).status).toBe(404)
    expect((await b.get('/api/v1/api-keys')).body.data.find((k: Json) => k.id === ids.apiKey).revokedAt).toBeNull()
  },
  'GET /api/v1/tasks': async () => {
    expect((await a.get('/api/v1/tasks?status=all')).body.data).toEqual([])
  },
  'POST /api/v1/tasks': async () => {
    const answer = await a.post('/api/v1/tasks', { title: 'Spy', dueAt: new Date().toISOString(), dealId: ids.deal })
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues).toEqual([{ path: 'dealId', message: 'no such deal' }])
    expect(
      (await a.post('/api/v1/tasks', { title: 'Spy', dueAt: new Date().toISOString(), assigneeId: ids.user })).body.data.issues,
    ).toEqual([{ path: 'assigneeId', message: 'no such active user' }])
  },
  'PATCH /api/v1/tasks/[id]': async () => {
    expect((await a.patch(`/api/v1/tasks/${ids.task}`, { done: true })).status).toBe(404)
    expect((await b.get('/api/v1/tasks?status=open&limit=500')).body.data.map((t: Json) => t.id)).toContain(ids.task)
  },
  'GET /api/v1/notifications': async () => {
    const answer = (await a.get('/api/v1/notifications')).body
    expect(answer.data.map((n: Json) => n.id)).not.toContain(ids.notification)
  },
  'POST /api/v1/notifications/read': async () => {
    expect((await a.post('/api/v1/notifications/read', { ids: [ids.notification] })).body).toEqual({ read: 0 })
    expect((await b.get('/api/v1/notifications?unread=1')).body.data.map((n: Json) => n.id)).toContain(ids.notification)
  },
  'GET /api/v1/notifications/preferences': async () => {
    await b.request('PUT', '/api/v1/notifications/preferences', { digestEmail: false })
    expect((await a.get('/api/v1/notifications/preferences')).body).toEqual({ reminderEmail: true, digestEmail: true })
  },
  'PUT /api/v1/notifications/preferences': async () => {
    expect((await a.request('PUT', '/api/v1/notifications/preferences', { reminderEmail: false })).status).toBe(200)
    expect((await b.get('/api/v1/notifications/preferences')).body.reminderEmail).toBe(true)
  },
  'GET /api/v1/automation/rules': async () => {
    expect((await a.get('/api/v1/automation/rules')).body.data.map((r: Json) => r.id)).not.toContain(ids.rule)
  },
  'POST /api/v1/automation/rules': async () => {
    const answer = await a.post('/api/v1/automation/rules', {
      name: 'Steal',
      trigger: { kind: 'lead_created' },
      actions: [{ kind: 'assign_owner', userId: ids.user }],
    })
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues).toEqual([{ path: 'actions.0.userId', message: 'no such active user' }])
    expect(
      (
        await a.post('/api/v1/automation/rules', {
          name: 'Steal',
          trigger: { kind: 'lead_created' },
          actions: [{ kind: 'enrol_in_sequence', sequenceId: ids.sequence }],
        })
      ).body.data.issues[0].path,
    ).toBe('actions.0.sequenceId')
    expect(
      (
        await a.post('/api/v1/automation/rules', {
          name: 'Steal',
          trigger: { kind: 'lead_created' },
          actions: [{ kind: 'call_webhook', webhookId: ids.webhook }],
        })
      ).body.data.issues[0].path,
    ).toBe('actions.0.webhookId')
  },
  'PATCH /api/v1/automation/rules/[id]': async () => {
    expect((await a.patch(`/api/v1/automation/rules/${ids.rule}`, { active: false })).status).toBe(404)
    expect((await b.get('/api/v1/automation/rules')).body.data.find((r: Json) => r.id === ids.rule).active).toBe(true)
  },
  'DELETE /api/v1/automation/rules/[id]': async () => {
    expect((await a.delete(`/api/v1/automation/rules/${ids.rule}`)).status).toBe(404)
    expect((await b.get('/api/v1/automation/rules')).body.data.map((r: Json) => r.id)).toContain(ids.rule)
  },
  'GET /api/v1/automation/rules/[id]/runs': async () => {
    expect((await a.get(`/api/v1/automation/rules/${ids.rule}/runs`)).status).toBe(404)
  },
  'POST /api/v1/automation/rules/[id]/dry-run': async () => {
    expect((await a.post(`/api/v1/automation/rules/${ids.rule}/dry-run`)).status).toBe(404)
  },
  'GET /api/v1/sequences': async () => {
    expect((await a.get('/api/v1/sequences')).body.data.map((s: Json) => s.id)).not.toContain(ids.sequence)
  },
  'POST /api/v1/sequences': async () => {
    const created = (await a.post('/api/v1/sequences', { name: 'A seq', steps: [{ subject: 'Hi', body: 'Hello', waitDays: 0 }] })).body
    expect((await b.get('/api/v1/sequences')).body.data.map((s: Json) => s.id)).not.toContain(created.id)
  },
  'POST /api/v1/sequences/[id]/enrol': async () => {
    expect((await a.post(`/api/v1/sequences/${ids.sequence}/enrol`, { contactIds: [ids.contact] })).status).toBe(404)
    const mine = (await a.get('/api/v1/sequences')).body.data[0].id
    const answer = await a.post(`/api/v1/sequences/${mine}/enrol`, { contactIds: [ids.contact] })
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues).toEqual([{ path: 'contactIds.0', message: 'no such contact' }])
  },
  'GET /api/v1/webhooks': async () => {
    expect((await a.get('/api/v1/webhooks')).body.data.map((w: Json) => w.id)).not.toContain(ids.webhook)
  },
  'POST /api/v1/webhooks': async () => {
    const created = (await a.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/a-hook', events: ['*'] })).body
    expect(created.secret).toMatch(/^whsec_/)
    expect((await b.get('/api/v1/webhooks')).body.data.map((w: Json) => w.id)).not.toContain(created.id)
  },
  'DELETE /api/v1/webhooks/[id]': async () => {
    expect((await a.delete(`/api/v1/webhooks/${ids.webhook}`)).status).toBe(404)
    expect((await b.get('/api/v1/webhooks')).body.data.map((w: Json) => w.id)).toContain(ids.webhook)
  },
  'GET /api/v1/webhooks/[id]/deliveries': async () => {
    expect((await a.get(`/api/v1/webhooks/${ids.webhook}/deliveries`)).status).toBe(404)
  },
  'GET /api/v1/audit': async () => {
    const answer = await a.get('/api/v1/audit')
    expect(answer.body.data.every((e: Json) => e.targetId !== ids.apiKey && e.targetId !== ids.user)).toBe(true)
  },
}

describe('tenant isolation over HTTP', () => {
  it('covers every /api/v1 route that exists', () => {
    expect(routeFiles().sort()).toEqual(Object.keys(CROSS_TENANT).sort())
  })

  for (const [route, check] of Object.entries(CROSS_TENANT)) {
    it(`${route}: another tenant's ids give 404 or nothing, never data`, check)
  }

  it('answers every /api/v1 route with 401 when nobody is signed in, before validating anything', async () => {
    const anonymous = new Client(baseURL)
    for (const route of Object.keys(CROSS_TENANT)) {
      const [method, path] = route.split(' ') as [string, string]
      const answer = await anonymous.request(method, path.replace('[id]', 'not-a-uuid'), method === 'GET' ? undefined : { bad: true })
      expect(answer.status, route).toBe(401)
    }
  })
})
