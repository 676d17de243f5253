import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, signUp, type Json } from '../../support/http'
import { seedOrg } from '../../support/salesforce-data'
import { startSalesforceMock, type SalesforceMock } from '../../support/salesforce-mock'
import { subscribe } from '../../support/stripe'

const baseURL = inject('baseURL')
const PATH = '/api/v1/integrations/salesforce'

let mock: SalesforceMock
let admin: Client
let ids: ReturnType<typeof seedOrg>
const answers: unknown[] = []
/** Every answer of this file is kept, to check that no secret ever appears in one. */
const keep = <T extends { body: unknown }>(answer: T) => {
  answers.push(answer.body)
  return answer
}
const connection = () => ({
  instanceUrl: mock.url,
  authFlow: 'refresh_token',
  clientId: mock.credentials.clientId,
  clientSecret: mock.credentials.clientSecret,
  refreshToken: mock.credentials.refreshToken,
})

/** All of the tenant's deals, page by page. */
async function allDeals(client: Client) {
  const found: Json[] = []
  let cursor: string | null = null
  do {
    const page: Json = (await client.get(`/api/v1/deals?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).body
    found.push(...page.data)
    cursor = page.nextCursor
  } while (cursor)
  return found
}

beforeAll(async () => {
  mock = await startSalesforceMock()
  ids = seedOrg(mock, { users: 2, accounts: 30, contacts: 60, opportunities: 2500, tasks: 30, events: 6 })
  const signedUp = await signUp(baseURL)
  admin = signedUp.client
  await subscribe(baseURL, signedUp.tenant.id) // Salesforce sync is an enterprise capability
})
afterAll(() => mock?.close())

describe('the Salesforce connection', () => {
  it('is an Enterprise capability: a Pro tenant gets 402', async () => {
    const pro = await signUp(baseURL)
    await subscribe(baseURL, pro.tenant.id, 'pro_monthly')
    const answer = await pro.client.get(PATH)
    expect(answer.status).toBe(402)
    expect(answer.body.data).toEqual({ error: 'capability_required', capability: 'salesforce_sync' })
  })

  it('is for admins only', async () => {
    const rep = await new Client(baseURL).login(DEMO_LOGINS.find(l => l.role === 'rep')!.email, DEMO_PASSWORD)
    expect((await rep.get(PATH)).status).toBe(403)
    expect((await rep.request('PUT', PATH, connection())).status).toBe(403)
    expect((await rep.post(`${PATH}/sync`)).status).toBe(403)
  })

  it('refuses bad settings with 400 naming the field, and stores nothing', async () => {
    expect(keep(await admin.get(PATH)).status).toBe(404)
    const cases: [object, string][] = [
      [{ ...connection(), clientSecret: undefined }, 'clientSecret'],
      [{ ...connection(), refreshToken: undefined }, 'refreshToken'],
      [{ ...connection(), instanceUrl: 'ftp://acme.my.salesforce.com' }, 'instanceUrl'],
      [{ ...connection(), authFlow: 'password' }, 'authFlow'],
      [{ ...connection(), intervalMinutes: 1 }, 'intervalMinutes'],
      [{ ...connection(), stageMap: { 'Closed Won': 'signed' } }, 'stageMap.Closed Won'],
    ]
    for (const [body, path] of cases) {
      const answer = keep(await admin.request('PUT', PATH, body))
      expect(answer.status, path).toBe(400)
      expect(answer.body.data.issues.map((i: Json) => i.path), path).toContain(path)
    }
    expect((await admin.get(PATH)).status).toBe(404)
  })

  it('connects, answering the settings without the secrets', async () => {
    const saved = keep(
      await admin.request('PUT', PATH, { ...connection(), intervalMinutes: 30, stageMap: { 'Negotiation/Review': 'proposal' } }),
    )
    expect(saved.status).toBe(200)
    expect(saved.body).toMatchObject({
      instanceUrl: mock.url,
      loginUrl: mock.url,
      authFlow: 'refresh_token',
      clientId: mock.credentials.clientId,
      hasClientSecret: true,
      hasRefreshToken: true,
      intervalMinutes: 30,
      status: 'active',
    })
    expect(saved.body).not.toHaveProperty('clientSecret')
    const read = keep(await admin.get(PATH))
    expect(read.body).toEqual(saved.body)
    // Saving again without the secrets keeps them.
    const again = keep(
      await admin.request('PUT', PATH, {
        instanceUrl: mock.url,
        authFlow: 'refresh_token',
        clientId: mock.credentials.clientId,
        stageMap: { 'Negotiation/Review': 'proposal' },
      }),
    )
    expect(again.body).toMatchObject({ hasClientSecret: true, hasRefreshToken: true, intervalMinutes: 15 })
  })
})

describe('syncing over HTTP', () => {
  it('syncs now and answers the run: every opportunity over two pages, the stage map applied', { timeout: 120_000 }, async () => {
    const run = keep(await admin.post(`${PATH}/sync`))
    expect(run.status).toBe(200)
    expect(run.body.status).toBe('done')
    expect(run.body.objects.find((o: Json) => o.object === 'Opportunity')).toMatchObject({ in: 2500, created: 2500, pages: 2 })
    const deals = await allDeals(admin)
    expect(deals).toHaveLength(2500)
    expect(deals.filter((d: Json) => d.stage === 'negotiation')).toHaveLength(0) // Negotiation/Review -> proposal, by the tenant's map
    const status = keep(await admin.get(`${PATH}/status`))
    expect(status.body).toMatchObject({
      status: 'active',
      needsReauth: false,
      running: false,
      lastError: null,
      lastRun: { status: 'done' },
    })
    expect(status.body.objects.find((o: Json) => o.object === 'Opportunity')).toMatchObject({
      recordsIn: 2500,
      recordsOut: 2500,
      watermark: expect.any(String),
    })
    expect(new Date(status.body.nextRunAt).getTime() - new Date(status.body.lastRun.startedAt).getTime()).toBe(15 * 60_000)
    expect(status.body.lagSeconds).toBeLessThan(300)
    expect(status.body.apiUsage).toMatchObject({ limit: 100_000 })
  })

  it('applies an edit and a deletion made in Salesforce: the deleted deal is gone from the lists', { timeout: 120_000 }, async () => {
    const before = await allDeals(admin)
    const gone = before.find((d: Json) => d.name === 'Opportunity 7')
    const moved = before.find((d: Json) => d.name === 'Opportunity 1')
    expect(moved.stage).toBe('contacted')
    mock.remove('Opportunity', ids.opportunityIds[7]!)
    mock.update('Opportunity', ids.opportunityIds[1]!, { StageName: 'Closed Won', IsClosed: true, IsWon: true })
    const run = keep(await admin.post(`${PATH}/sync`))
    expect(run.body.objects.find((o: Json) => o.object === 'Opportunity')).toMatchObject({ created: 0, updated: 1, deleted: 1 })
    const after = await allDeals(admin)
    expect(after).toHaveLength(2499)
    expect(after.map((d: Json) => d.id)).not.toContain(gone.id)
    expect((await admin.get(`/api/v1/deals/${gone.id}`)).status).toBe(404)
    const timeline = (await admin.get(`/api/v1/deals/${moved.id}/timeline?limit=50`)).body.data as Json[]
    expect(timeline.find(e => e.type === 'stage_changed')).toMatchObject({
      source: 'salesforce',
      metadata: { to: 'won', reason: 'salesforce' },
    })
  })

  it(
    'shows a failing sync to admins: the run, the status and the task runs say what went wrong, in words',
    { timeout: 120_000 },
    async () => {
      mock.failNext({ times: 4 })
      const run = keep(await admin.post(`${PATH}/sync`))
      expect(run.status).toBe(200)
      expect(run.body.status).toBe('failed')
      expect(run.body.error).toMatch(
        new RegExp(
          '^Salesforce answered with a server error while reading Account \\(UNKNOWN_EXCEPTION: .*\\) 4 times\\. '
          + 'The next run resumes from the last committed page\\.$',
        ),
      )
      const status = keep(await admin.get(`${PATH}/status`))
      expect(status.body).toMatchObject({ lastError: run.body.error, lastRun: { status: 'failed' }, needsReauth: false })
      const runs = keep(await admin.get('/api/v1/admin/tasks')).body.data as Json[]
      expect(runs.find(r => r.name === 'salesforce:sync')).toMatchObject({ status: 'failed', error: run.body.error })
      const recovered = keep(await admin.post(`${PATH}/sync`))
      expect(recovered.body.status).toBe('done')
    },
  )

  it('marks the connection needs_reauth when Salesforce revokes the refresh token', { timeout: 120_000 }, async () => {
    mock.expireTokens()
    mock.revokeRefreshTokens()
    const run = keep(await admin.post(`${PATH}/sync`))
    expect(run.body).toMatchObject({ status: 'needs_reauth', error: expect.stringContaining('invalid_grant') })
    const status = keep(await admin.get(`${PATH}/status`))
    expect(status.body).toMatchObject({ status: 'needs_reauth', needsReauth: true, nextRunAt: null })
    expect(keep(await admin.get(PATH)).body.needsReauth).toBe(true)
  })

  it('never shows a secret or a token in any answer', () => {
    const text = JSON.stringify(answers)
    expect(text).not.toContain(mock.credentials.clientSecret)
    expect(text).not.toContain(mock.credentials.refreshToken)
    expect(text).not.toContain('00D000000000001AAA!') // the access tokens the local Salesforce issued
  })

  it('disconnects: 204, then 404, and the synced deals stay', async () => {
    expect((await admin.delete(PATH)).status).toBe(204)
    expect((await admin.get(PATH)).status).toBe(404)
    expect((await admin.get(`${PATH}/status`)).status).toBe(404)
    expect((await admin.post(`${PATH}/sync`)).status).toBe(404)
    expect((await admin.delete(PATH)).status).toBe(404)
    expect((await allDeals(admin)).length).toBe(2499)
  })
})
