import { randomBytes } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  accounts,
  contacts,
  dealContacts,
  deals,
  events,
  notifications,
  salesforceConnections,
  salesforceSyncState,
  taskRuns,
  users,
} from '../../db/schema'
import { withTenant } from '../../server/domain/core/db'
import { ConnectionSchema, saveConnection, takeLease } from '../../server/domain/integrations/salesforce/connections'
import { connectionStatus, syncDue } from '../../server/domain/integrations/salesforce/schedule'
import { syncConnection, type SyncOptions } from '../../server/domain/integrations/salesforce/sync'
import { createTenant, createUser } from '../../server/domain/tenancy/tenants'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { seedOrg, sfUserEmail } from '../support/salesforce-data'
import { startSalesforceMock, type SalesforceMock } from '../support/salesforce-mock'

process.env.SALESFORCE_ALLOW_INSECURE_URLS = '1' // the local Salesforce speaks http on 127.0.0.1
process.env.ENCRYPTION_KEY ??= randomBytes(32).toString('hex')

let database: TestDatabase
const mocks: SalesforceMock[] = []
afterAll(async () => {
  await Promise.all(mocks.map(m => m.close()))
  await database?.close()
})
beforeAll(async () => {
  database = await createTestDatabase()
})

/** A tenant with an admin and two reps the org knows by email, connected to `mock`. */
async function connectedTenant(mock: SalesforceMock, authFlow: 'client_credentials' | 'refresh_token' = 'client_credentials') {
  const { tenant } = await createTenant(database.db, { name: `SF ${mocks.length}-${Math.random()}` })
  const inTenant = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, tenant.id, fn)
  const admin = await inTenant(tx =>
    createUser(tx, tenant.id, { email: `admin-${tenant.id}@momentum.test`, name: 'Ada Admin', role: 'admin' }),
  )
  for (const i of [0, 1]) await inTenant(tx => createUser(tx, tenant.id, { email: sfUserEmail(i), name: `Rep ${i}`, role: 'rep' }))
  const input = ConnectionSchema.parse({
    instanceUrl: mock.url, authFlow, clientId: mock.credentials.clientId, clientSecret: mock.credentials.clientSecret,
    ...(authFlow === 'refresh_token' ? { refreshToken: mock.credentials.refreshToken } : {}),
  })
  await inTenant(tx => saveConnection(tx, { tenantId: tenant.id, userId: admin.id }, input))
  const sleeps: number[] = []
  const options: SyncOptions = { clock: { now: () => new Date(), sleep: async (ms) => {
    sleeps.push(ms)
  } } }
  const count = async (table: typeof deals | typeof accounts | typeof contacts, extra?: ReturnType<typeof sql>) =>
    (await inTenant(tx => tx.select({ n: sql<number>`count(*)::int` }).from(table).where(and(eq(table.tenantId, tenant.id), extra))))[0]!.n
  const eventCounts = async () =>
    Object.fromEntries(
      (
        await inTenant(tx =>
          tx
            .select({ type: events.type, n: sql<number>`count(*)::int` })
            .from(events)
            .where(and(eq(events.tenantId, tenant.id), eq(events.source, 'salesforce')))
            .groupBy(events.type),
        )
      ).map(r => [r.type, r.n]),
    )
  const connection = async () =>
    (await inTenant(tx => tx.select().from(salesforceConnections).where(eq(salesforceConnections.tenantId, tenant.id))))[0]!
  /** The tenant's notifications about its integrations, to whom. */
  const integrationAlerts = () =>
    inTenant(tx =>
      tx
        .select({ userId: notifications.userId, title: notifications.title, body: notifications.body, link: notifications.link })
        .from(notifications)
        .where(and(eq(notifications.tenantId, tenant.id), eq(notifications.kind, 'integration_failed'))),
    )
  return {
    tenantId: tenant.id,
    adminId: admin.id,
    inTenant,
    sleeps,
    options,
    count,
    eventCounts,
    connection,
    integrationAlerts,
    sync: () => syncConnection(database.db, tenant.id, options),
  }
}

async function newMock() {
  const mock = await startSalesforceMock()
  mocks.push(mock)
  return mock
}

describe('a first sync of a large org, then incremental syncs', () => {
  let mock: SalesforceMock
  let t: Awaited<ReturnType<typeof connectedTenant>>
  let ids: ReturnType<typeof seedOrg>
  beforeAll(async () => {
    mock = await newMock()
    ids = seedOrg(mock, { users: 3, accounts: 300, contacts: 600, opportunities: 12_000, tasks: 300, events: 40 })
    t = await connectedTenant(mock)
  })

  it(
    'imports all 12,000 opportunities over six pages, with accounts, contacts, committees and activities',
    { timeout: 300_000 },
    async () => {
      const outcome = await t.sync()
      expect(outcome.status).toBe('done')
      const opportunity = outcome.summary!.objects.find(o => o.object === 'Opportunity')!
      expect(opportunity).toMatchObject({ in: 12_000, created: 12_000, updated: 0, deleted: 0, pages: 6 })
      expect(await t.count(deals, sql`${deals.source} = 'salesforce'`)).toBe(12_000)
      expect(await t.count(deals, sql`true`)).toBe(12_000)
      expect(await t.count(accounts)).toBe(300)
      expect(await t.count(contacts)).toBe(600)
      // The paging followed nextRecordsUrl page by page, through queryAll (deleted records included).
      const opportunityQueries = mock.log.filter(l => l.soql?.includes('FROM Opportunity '))
      expect(opportunityQueries).toHaveLength(1)
      expect(opportunityQueries[0]!.path).toContain('/queryAll?')
      expect(opportunityQueries[0]!.soql).toMatch(/ORDER BY SystemModstamp, Id$/)
      expect(mock.log.filter(l => /\/query\/01g\w+-\d+$/.test(l.path)).length).toBeGreaterThanOrEqual(5)

      const counts = await t.eventCounts()
      expect(counts).toMatchObject({
        deal_created: 12_000,
        call: 100,
        email_sent: 100,
        task_completed: 100,
        meeting_held: expect.any(Number),
        meeting_scheduled: expect.any(Number),
      })
      // A Task names its opportunity: its event is on that deal, with the contact and the owner as the actor.
      const [call] = await t.inTenant(tx =>
        tx
          .select()
          .from(events)
          .where(and(eq(events.tenantId, t.tenantId), eq(events.externalId, `Task:${mock.records.get('Task')!.keys().next().value}`))),
      )
      const [dealOfCall] = await t.inTenant(tx =>
        tx
          .select()
          .from(deals)
          .where(and(eq(deals.tenantId, t.tenantId), eq(deals.externalId, ids.opportunityIds[0]!))),
      )
      expect(call).toMatchObject({ type: 'call', dealId: dealOfCall!.id, actorEmail: sfUserEmail(0) })
      expect(call!.contactId).not.toBeNull()
      expect(call!.actorUserId).not.toBeNull()
      // Stages through the default map; the committee from OpportunityContactRole; the unknown owner became an inactive user.
      const byStage = Object.fromEntries(
        (
          await t.inTenant(tx =>
            tx
              .select({ stage: deals.stage, n: sql<number>`count(*)::int` })
              .from(deals)
              .where(eq(deals.tenantId, t.tenantId))
              .groupBy(deals.stage),
          )
        ).map(r => [r.stage, r.n]),
      )
      expect(byStage).toEqual({ new: 1200, contacted: 1200, qualified: 2400, proposal: 3600, negotiation: 1200, won: 1200, lost: 1200 })
      expect(dealOfCall).toMatchObject({
        stage: 'new',
        amount: '1000.00',
        probability: 10,
        forecastCategory: 'pipeline',
        product: 'Existing Customer - Upgrade',
      })
      expect(
        await t.inTenant(
          async tx =>
            (
              await tx
                .select({ n: sql<number>`count(*)::int` })
                .from(dealContacts)
                .where(eq(dealContacts.tenantId, t.tenantId))
            )[0]!.n,
        ),
      ).toBe(600)
      const stranger = await t.inTenant(tx =>
        tx
          .select()
          .from(users)
          .where(and(eq(users.tenantId, t.tenantId), eq(users.email, sfUserEmail(2)))),
      )
      expect(stranger).toMatchObject([{ active: false, name: 'Rep 2' }])
      const status = await t.inTenant(tx => connectionStatus(tx, t.tenantId))
      expect(status.objects.find(o => o.object === 'Opportunity')).toMatchObject({ recordsIn: 12_000, recordsOut: 12_000 })
      expect(status.lagSeconds).toBeLessThan(600)
    },
  )

  it(
    'applies exactly 5 edits and 2 deletions on the next sync, with the matching stage_changed and deal_updated events and nothing else',
    { timeout: 120_000 },
    async () => {
      const before = await t.eventCounts()
      const [a, b, c, d, e, gone1, gone2] = [10, 11, 12, 13, 14, 20, 21].map(i => ids.opportunityIds[i]!)
      // Prospecting -> negotiation
      mock.update('Opportunity', a!, { StageName: 'Negotiation/Review', LastStageChangeDate: '2026-01-05T10:00:00.000+0000' })
      mock.update('Opportunity', b!, { StageName: 'Closed Won', IsClosed: true, IsWon: true })
      mock.update('Opportunity', c!, { CloseDate: '2027-03-31' })
      mock.update('Opportunity', d!, { CloseDate: '2027-04-30' })
      mock.update('Opportunity', e!, { Amount: 98_765.5, Name: 'Renamed deal' })
      mock.remove('Opportunity', gone1!)
      mock.remove('Opportunity', gone2!)
      const untouched = await t.inTenant(tx =>
        tx
          .select({ n: sql<number>`max(${deals.updatedAt})` })
          .from(deals)
          .where(and(eq(deals.tenantId, t.tenantId), sql`${deals.externalId} not in (${a}, ${b}, ${c}, ${d}, ${e})`)),
      )

      const outcome = await t.sync()
      expect(outcome.status).toBe('done')
      expect(outcome.summary!.objects.find(o => o.object === 'Opportunity')).toMatchObject({ created: 0, updated: 5, deleted: 2 })
      expect(outcome.summary!.objects.filter(o => o.object !== 'Opportunity').every(o => o.out === 0)).toBe(true)
      expect(await t.count(deals)).toBe(11_998)
      const after = await t.eventCounts()
      expect({
        ...after,
        stage_changed: (after.stage_changed ?? 0) - (before.stage_changed ?? 0),
        deal_updated: (after.deal_updated ?? 0) - (before.deal_updated ?? 0),
      }).toEqual({ ...before, stage_changed: 2, deal_updated: 3 })
      const find = async (externalId: string) =>
        (
          await t.inTenant(tx =>
            tx
              .select()
              .from(deals)
              .where(and(eq(deals.tenantId, t.tenantId), eq(deals.externalId, externalId))),
          )
        )[0]
      expect(await find(a!)).toMatchObject({ stage: 'negotiation', stageEnteredAt: new Date('2026-01-05T10:00:00Z') })
      expect(await find(b!)).toMatchObject({ stage: 'won' })
      expect(await find(c!)).toMatchObject({ closeDate: '2027-03-31' })
      expect(await find(e!)).toMatchObject({ amount: '98765.50', name: 'Renamed deal' })
      expect(await find(gone1!)).toBeUndefined()
      const moves = await t.inTenant(tx =>
        tx
          .select()
          .from(events)
          .where(and(eq(events.tenantId, t.tenantId), eq(events.type, 'stage_changed'), eq(events.source, 'salesforce'))),
      )
      expect(moves.map(m => m.metadata).sort((x, y) => String(x.to).localeCompare(String(y.to)))).toMatchObject([
        { from: 'new', to: 'negotiation', reason: 'salesforce' },
        { from: 'contacted', to: 'won', reason: 'salesforce' },
      ])
      const updates = await t.inTenant(tx =>
        tx
          .select()
          .from(events)
          .where(and(eq(events.tenantId, t.tenantId), eq(events.type, 'deal_updated'))),
      )
      expect(updates.map(u => u.metadata.changes)).toEqual(
        expect.arrayContaining([
          { closeDate: { from: expect.any(String), to: '2027-03-31' } },
          { amount: { from: expect.any(Number), to: 98_765.5 } },
        ]),
      )
      const still = await t.inTenant(tx =>
        tx
          .select({ n: sql<number>`max(${deals.updatedAt})` })
          .from(deals)
          .where(and(eq(deals.tenantId, t.tenantId), sql`${deals.externalId} not in (${a}, ${b}, ${c}, ${d}, ${e})`)),
      )
      expect(still).toEqual(untouched)
    },
  )

  it('changes nothing when run again: no new events, no updated rows', { timeout: 120_000 }, async () => {
    const before = await t.eventCounts()
    const stamp = await t.inTenant(tx =>
      tx
        .select({ n: sql<string>`max(${deals.updatedAt})::text` })
        .from(deals)
        .where(eq(deals.tenantId, t.tenantId)),
    )
    const outcome = await t.sync()
    expect(outcome.status).toBe('done')
    expect(outcome.summary!.objects.every(o => o.created === 0 && o.updated === 0 && o.deleted === 0)).toBe(true)
    expect(await t.eventCounts()).toEqual(before)
    expect(
      await t.inTenant(tx =>
        tx
          .select({ n: sql<string>`max(${deals.updatedAt})::text` })
          .from(deals)
          .where(eq(deals.tenantId, t.tenantId)),
      ),
    ).toEqual(stamp)
  })
})

describe('faults, tokens and limits', () => {
  let mock: SalesforceMock
  beforeAll(async () => {
    mock = await newMock()
    seedOrg(mock, { users: 2, accounts: 20, contacts: 40, opportunities: 5000, tasks: 10, events: 4 })
  })

  it('retries a 500 in the middle of paging and ends with all the data, once', { timeout: 120_000 }, async () => {
    const t = await connectedTenant(mock)
    mock.failNext({ match: /\/query\/01g/, skip: 1, times: 1 })
    const outcome = await t.sync()
    expect(outcome.status).toBe('done')
    expect(outcome.summary!.retries).toBe(1)
    expect(t.sleeps).toEqual([500])
    expect(await t.count(deals)).toBe(5000)
    expect((await t.eventCounts()).deal_created).toBe(5000)
  })

  it(
    'fails a run whose page keeps failing, keeps the committed pages, and resumes without loss or duplicates',
    { timeout: 120_000 },
    async () => {
      const t = await connectedTenant(mock)
      // Past the accounts' and contacts' first pages, the opportunities' second page fails four times running.
      mock.failNext({ match: /\/query\/01g/, skip: 0, times: 4 })
      const failed = await t.sync()
      expect(failed.status).toBe('failed')
      expect(failed.summary!.error).toMatch(
        /server error while reading Opportunity \(UNKNOWN_EXCEPTION: .*\) 4 times\. The next run resumes from the last committed page/,
      )
      expect(t.sleeps).toEqual([500, 1000, 2000])
      expect(await t.count(deals)).toBe(2000)
      const [state] = await t.inTenant(tx =>
        tx
          .select()
          .from(salesforceSyncState)
          .where(and(eq(salesforceSyncState.tenantId, t.tenantId), eq(salesforceSyncState.object, 'Opportunity'))),
      )
      expect(state!.watermark).not.toBeNull()
      expect((await t.connection()).lastError).toBe(failed.summary!.error)
      const [run] = await t.inTenant(tx => tx.select().from(taskRuns).where(eq(taskRuns.tenantId, t.tenantId)))
      expect(run).toBeUndefined() // syncConnection alone records nothing; runAndRecord (below) does
      // The failure is an alert for the admins (the reps hear nothing of it).
      expect(await t.integrationAlerts()).toEqual([
        { userId: t.adminId, title: 'Salesforce sync failed', body: failed.summary!.error, link: '/settings/salesforce' },
      ])

      const resumed = await t.sync()
      expect(resumed.status).toBe('done')
      expect(await t.integrationAlerts()).toHaveLength(1)
      expect(await t.count(deals)).toBe(5000)
      expect(
        await t.inTenant(
          async tx =>
            (
              await tx
                .select({ n: sql<number>`count(distinct ${deals.externalId})::int` })
                .from(deals)
                .where(eq(deals.tenantId, t.tenantId))
            )[0]!.n,
        ),
      ).toBe(5000)
      expect((await t.eventCounts()).deal_created).toBe(5000)
      expect((await t.connection()).lastError).toBeNull()
    },
  )

  it('refreshes an expired access token once and goes on', { timeout: 120_000 }, async () => {
    const t = await connectedTenant(mock, 'refresh_token')
    expect((await t.sync()).status).toBe('done')
    mock.expireTokens()
    const tokenCalls = mock.log.filter(l => l.grantType === 'refresh_token').length
    mock.update('Opportunity', [...mock.records.get('Opportunity')!.keys()][3]!, { Amount: 4242 })
    const outcome = await t.sync()
    expect(outcome.status).toBe('done')
    expect(outcome.summary!.tokenRefreshes).toBe(1)
    expect(mock.log.filter(l => l.grantType === 'refresh_token').length).toBe(tokenCalls + 1)
    expect(mock.log.some(l => l.status === 401)).toBe(true)
    expect(outcome.summary!.objects.find(o => o.object === 'Opportunity')!.updated).toBe(1)
  })

  it(
    'refuses a token response whose instance_url points at another host than the connection\'s org, sending nothing there',
    { timeout: 120_000 },
    async () => {
      const elsewhere = await newMock() // a local host the connection was never given
      const t = await connectedTenant(mock)
      mock.tokenInstanceUrl = elsewhere.url
      try {
        const outcome = await t.sync()
        expect(outcome.status).toBe('failed')
        expect(outcome.summary!.error).toMatch(
          new RegExp(
            '^Salesforce\'s token response named an instance URL that is not allowed '
            + '\\(127\\.0\\.0\\.1:\\d+: must be an https URL\\); nothing was sent to it',
          ),
        )
        expect(elsewhere.log).toEqual([])
        expect((await t.connection()).instanceUrl).toBe(new URL(mock.url).origin)
      }
      finally {
        mock.tokenInstanceUrl = null
      }
    },
  )

  it('waits while the reported API usage is at 90% of the daily limit, then goes on', { timeout: 120_000 }, async () => {
    const t = await connectedTenant(mock)
    mock.usage.used = 91_000
    t.options.clock = { now: () => new Date(), sleep: async (ms) => {
      t.sleeps.push(ms)
      mock.usage.used = 40_000 // the rolling 24-hour window moved on
    } }
    const outcome = await t.sync()
    expect(outcome.status).toBe('done')
    expect(outcome.summary!.limitWaits).toEqual([60_000])
    expect(t.sleeps).toEqual([60_000])
    expect(mock.log.some(l => l.path.endsWith('/limits'))).toBe(true)
    expect((await t.connection()).apiUsage).toMatchObject({ limit: 100_000 })
  })

  it('pauses the run and reschedules it when the usage stays near the limit', { timeout: 120_000 }, async () => {
    const t = await connectedTenant(mock)
    mock.usage.used = 95_000
    const outcome = await t.sync()
    expect(outcome.status).toBe('paused')
    expect(t.sleeps).toEqual([60_000, 60_000])
    expect(outcome.summary!.error).toMatch(/^Paused: Salesforce API usage is at 95% of the daily limit/)
    const row = await t.connection()
    expect(row.nextRunAt!.getTime() - new Date(outcome.summary!.startedAt).getTime()).toBe(3_600_000)
    mock.usage.used = 0
  })

  it(
    'marks the connection needs_reauth when the refresh token is revoked, records a failed run, and stops scheduling it',
    { timeout: 120_000 },
    async () => {
      const t = await connectedTenant(mock, 'refresh_token')
      mock.revokeRefreshTokens()
      const runs = await syncDue(database.db, { ...t.options, only: t.tenantId })
      expect(runs).toMatchObject([
        {
          name: 'salesforce:sync',
          status: 'failed',
          error: expect.stringMatching(/refused this connection's credentials \(invalid_grant: expired access\/refresh token\)/),
        },
      ])
      const row = await t.connection()
      expect(row).toMatchObject({ status: 'needs_reauth', nextRunAt: null })
      const [recorded] = await t.inTenant(tx =>
        tx
          .select()
          .from(taskRuns)
          .where(and(eq(taskRuns.tenantId, t.tenantId), eq(taskRuns.name, 'salesforce:sync'))),
      )
      expect(recorded).toMatchObject({ status: 'failed' })
      const later = await syncDue(database.db, { ...t.options, now: new Date(Date.now() + 86_400_000) })
      expect(later.map(r => r.tenantId)).not.toContain(t.tenantId)
      expect((await t.inTenant(tx => connectionStatus(tx, t.tenantId))).needsReauth).toBe(true)
      // The admins are told once for the outage, however often it fails again.
      expect(await t.sync()).toMatchObject({ status: 'needs_reauth' })
      expect(await t.integrationAlerts()).toEqual([
        {
          userId: t.adminId,
          title: 'Salesforce needs to be connected again',
          body: expect.stringMatching(/invalid_grant/),
          link: '/settings/salesforce',
        },
      ])
    },
  )

  it('runs one sync per connection at a time: a held lease makes another run skip', async () => {
    const t = await connectedTenant(mock)
    expect(await t.inTenant(tx => takeLease(tx, t.tenantId, new Date()))).toEqual(expect.any(String))
    expect(await t.sync()).toMatchObject({ status: 'skipped', reason: 'a sync of this connection is already running' })
  })

  it('schedules each connection by its own interval', { timeout: 120_000 }, async () => {
    const t = await connectedTenant(mock)
    const first = await syncDue(database.db, { ...t.options, now: new Date() })
    expect(first.find(r => r.tenantId === t.tenantId)?.status).toBe('done')
    const next = (await t.connection()).nextRunAt!
    expect(next.getTime() - Date.now()).toBeGreaterThan(14 * 60_000)
    expect((await syncDue(database.db, { ...t.options, now: new Date(next.getTime() - 1000) })).map(r => r.tenantId)).not.toContain(
      t.tenantId,
    )
    expect((await syncDue(database.db, { ...t.options, now: new Date(next.getTime() + 1000) })).map(r => r.tenantId)).toContain(t.tenantId)
  })

  it('opens the schedule\'s cross-tenant read to the owner only: the app role with app.system set still sees its own tenant', async () => {
    const t = await connectedTenant(mock)
    const seen = await t.inTenant(async (tx) => {
      await tx.execute(sql`select set_config('app.system', 'salesforce_schedule', true)`)
      return tx.select({ tenantId: salesforceConnections.tenantId }).from(salesforceConnections)
    })
    expect(seen).toEqual([{ tenantId: t.tenantId }])
  })

  it('stores the secrets sealed, never in clear', async () => {
    const t = await connectedTenant(mock, 'refresh_token')
    const row = await t.connection()
    expect(row.secrets).toMatch(/^v1\./)
    expect(row.secrets).not.toContain(mock.credentials.clientSecret)
    expect(row.secrets).not.toContain(mock.credentials.refreshToken)
  })
})
