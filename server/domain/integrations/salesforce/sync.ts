import { and, asc, eq, sql } from 'drizzle-orm'
import {
  SALESFORCE_OBJECTS,
  salesforceConnections,
  salesforceSyncState,
  users,
  type ObjectRunSummary,
  type SalesforceObject,
  type SalesforceRunSummary,
} from '../../../../db/schema'
import type { AppDatabase } from '../../../../db/client'
import { withTenant, type Tx } from '../../core/db'
import { loadStages } from '../../deals/records'
import { notFound } from '../../core/errors'
import { seal, unseal } from '../../tenancy/secrets'
import { activeAdminIds, notify } from '../../notifications/notifications'
import { applyActivities } from './applyActivities'
import { applyOpportunities } from './applyDeals'
import { applyAccounts, applyContactRoles, applyContacts } from './applyRecords'
import { DEFAULT_CLIENT_OPTIONS, SalesforceClient, systemClock, type ClientOptions, type QueryPage, type SyncClock } from './client'
import { loadConnection, renewLease, takeLease, type ConnectionSecrets } from './connections'
import { ApiLimitPause, describeError, needsReauth } from './faults'
import { incrementalQuery, sfDate, usersQuery, type SfRecord } from './map'
import type { ApplyContext, PageResult } from './refs'

export interface SyncOptions {
  clock?: SyncClock
  client?: Partial<Omit<ClientOptions, 'clock'>>
  /** How far behind the watermark each query starts again (SystemModstamp can lag a commit). */
  overlapMs?: number
  /** How long a run paused by the API limit waits before the next try. */
  pauseMs?: number
}

export type SyncOutcome
  = | { status: 'skipped', reason: string, summary: null }
    | { status: SalesforceRunSummary['status'], summary: SalesforceRunSummary }

const WRITERS: Record<SalesforceObject, (tx: Tx, ctx: ApplyContext, records: readonly SfRecord[]) => Promise<PageResult>> = {
  Account: applyAccounts,
  Contact: applyContacts,
  Opportunity: applyOpportunities,
  OpportunityContactRole: applyContactRoles,
  Task: (tx, ctx, records) => applyActivities(tx, ctx, 'Task', records),
  Event: (tx, ctx, records) => applyActivities(tx, ctx, 'Event', records),
}

class LeaseLost extends Error {
  constructor() {
    super('another run took over this connection (its lease expired)')
  }
}

/** The owner of records whose Salesforce owner has no email: the connecting admin, else the first admin. */
async function fallbackOwner(tx: Tx, tenantId: string, createdById: string | null): Promise<string> {
  const [admin] = await tx.select({ id: users.id }).from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.role, 'admin'), eq(users.active, true)))
    .orderBy(sql`${users.id} = ${createdById ?? '00000000-0000-0000-0000-000000000000'} desc`, asc(users.createdAt)).limit(1)
  if (!admin) throw new Error('the tenant has no active admin to own records without an owner')
  return admin.id
}

/** The page's owners as Salesforce users (Id -> email, name), read in chunks of 200 Ids. */
async function loadOwners(client: SalesforceClient, ctx: ApplyContext, records: readonly SfRecord[]) {
  const wanted = [...new Set(records.map(r => r.OwnerId).filter((id): id is string => typeof id === 'string' && !ctx.sfUsers.has(id)))]
  for (let i = 0; i < wanted.length; i += 200) {
    const chunk = wanted.slice(i, i + 200)
    for (const u of await client.all(usersQuery(chunk)))
      ctx.sfUsers.set(u.Id, { email: typeof u.Email === 'string' ? u.Email : null, name: typeof u.Name === 'string' ? u.Name : null })
    for (const id of chunk) if (!ctx.sfUsers.has(id)) ctx.sfUsers.set(id, { email: null, name: null })
  }
}

const emptyObject = (object: SalesforceObject): ObjectRunSummary => ({
  object,
  in: 0,
  created: 0,
  updated: 0,
  deleted: 0,
  out: 0,
  skipped: 0,
  pages: 0,
})

/**
 * One sync of a tenant's org: each object in turn, page by page (2,000 records), each page
 * written and its watermark advanced in one transaction — so a run that fails or dies
 * resumes from the last committed page, and pages read twice change nothing. Single-flight
 * through the connection's lease. The outcome is stored on the connection (status page) and
 * answered; a failure never throws, it is the run's status and its error in words.
 */
export async function syncConnection(db: AppDatabase, tenantId: string, options: SyncOptions = {}): Promise<SyncOutcome> {
  const clock = options.clock ?? systemClock
  const startedAt = clock.now()
  const setup = await withTenant(db, tenantId, async (tx) => {
    const row = await loadConnection(tx, tenantId)
    if (!row) throw notFound('salesforce connection')
    const lease = await takeLease(tx, tenantId, startedAt)
    if (!lease) return null
    // "Last run" counts start again at zero, so a run that fails early does not show the one before.
    const states = await tx
      .update(salesforceSyncState)
      .set({ lastRunIn: 0, lastRunOut: 0 })
      .where(eq(salesforceSyncState.tenantId, tenantId))
      .returning()
    return { row, lease, states, stages: await loadStages(tx, tenantId), owner: await fallbackOwner(tx, tenantId, row.createdById) }
  })
  if (!setup) return { status: 'skipped', reason: 'a sync of this connection is already running', summary: null }
  const { row, lease } = setup
  const secrets = unseal<ConnectionSecrets>(row.secrets)
  const client = new SalesforceClient(
    {
      instanceUrl: row.instanceUrl,
      loginUrl: row.loginUrl,
      authFlow: row.authFlow,
      clientId: row.clientId,
      clientSecret: secrets.clientSecret,
      refreshToken: secrets.refreshToken,
      accessToken: secrets.accessToken,
    },
    { ...DEFAULT_CLIENT_OPTIONS, ...options.client, clock },
  )
  const ctx: ApplyContext = {
    tenantId,
    stageMap: row.stageMap,
    stages: setup.stages,
    fallbackOwnerId: setup.owner,
    sfUsers: new Map(),
    now: startedAt,
  }
  const watermarks = new Map(setup.states.map(s => [s.object, s.watermark]))
  const objects: ObjectRunSummary[] = []
  let status: SalesforceRunSummary['status'] = 'done'
  let error: string | null = null

  let current: SalesforceObject | undefined
  try {
    for (const object of SALESFORCE_OBJECTS) {
      current = object
      const summary = emptyObject(object)
      objects.push(summary)
      let page: QueryPage = await client.queryAll(incrementalQuery(object, watermarks.get(object) ?? null, options.overlapMs ?? 5 * 60_000))
      for (;;) {
        await loadOwners(client, ctx, page.records)
        await commitPage(db, ctx, lease, object, page.records, summary, watermarks, clock)
        if (page.done || !page.nextRecordsUrl) break
        page = await client.next(page.nextRecordsUrl)
      }
      await withTenant(db, tenantId, tx => tx.update(salesforceSyncState).set({ caughtUpAt: startedAt })
        .where(and(eq(salesforceSyncState.tenantId, tenantId), eq(salesforceSyncState.object, object))))
    }
  }
  catch (caught) {
    status = caught instanceof ApiLimitPause ? 'paused' : needsReauth(caught) ? 'needs_reauth' : 'failed'
    const attempts = (caught as { attempts?: number } | null)?.attempts
    error = describeError(caught, { object: current, host: new URL(client.instanceUrl || row.instanceUrl).host, attempts })
  }

  const finishedAt = clock.now()
  const summary: SalesforceRunSummary = {
    startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), durationMs: finishedAt.getTime() - startedAt.getTime(),
    status, error, objects, limitWaits: client.limitWaits, retries: client.retries, tokenRefreshes: client.tokenRefreshes,
  }
  const usage = client.usage
  const nextRunAt
    = status === 'needs_reauth'
      ? null
      : new Date(startedAt.getTime() + (status === 'paused' ? (options.pauseMs ?? 3_600_000) : row.intervalMinutes * 60_000))
  await withTenant(db, tenantId, async (tx) => {
    const [recorded] = await tx
      .update(salesforceConnections)
      .set({
        lastRun: summary,
        nextRunAt,
        ...(status === 'done'
          ? { lastSuccessAt: startedAt, lastError: null, lastErrorAt: null }
          : { lastError: error, lastErrorAt: finishedAt }),
        ...(status === 'needs_reauth' ? { status: 'needs_reauth' as const } : status === 'done' ? { status: 'active' as const } : {}),
        ...(usage ? { apiUsage: { ...usage, at: finishedAt.toISOString() } } : {}),
        leaseOwner: null,
        leaseUntil: null,
      })
      .where(and(eq(salesforceConnections.tenantId, tenantId), eq(salesforceConnections.leaseOwner, lease)))
      .returning({ tenantId: salesforceConnections.tenantId })
    if (recorded && (status === 'failed' || status === 'needs_reauth'))
      await tellAdmins(tx, tenantId, status, error, row.lastSuccessAt, finishedAt)
  })
  if (client.tokenChanged) {
    // The new access token is kept for the next run, unless an admin changed the credentials meanwhile.
    await withTenant(db, tenantId, tx =>
      tx
        .update(salesforceConnections)
        .set({
          secrets: seal({ ...secrets, accessToken: client.accessToken } satisfies ConnectionSecrets),
          instanceUrl: new URL(client.instanceUrl).origin,
        })
        .where(and(eq(salesforceConnections.tenantId, tenantId), eq(salesforceConnections.secrets, row.secrets))),
    )
  }
  return { status, summary }
}

/**
 * A failing sync is an alert for the tenant's admins: a notification in their bell (live on the
 * stream) once per outage — keyed by the last success, so the same outage failing run after run
 * raises nothing new, and a failure after a recovery raises a new one.
 */
async function tellAdmins(
  tx: Tx,
  tenantId: string,
  status: 'failed' | 'needs_reauth',
  error: string | null,
  lastSuccessAt: Date | null,
  now: Date,
) {
  await notify(
    tx,
    tenantId,
    (await activeAdminIds(tx, tenantId)).map(userId => ({
      userId,
      kind: 'integration_failed' as const,
      title: status === 'needs_reauth' ? 'Salesforce needs to be connected again' : 'Salesforce sync failed',
      body: error,
      link: '/settings/salesforce',
      dedupeKey: `salesforce:${status}:${lastSuccessAt?.toISOString() ?? 'never'}`,
    })),
    now,
  )
}

/** Writes one page and advances the object's watermark to its last record, in one transaction. */
async function commitPage(
  db: AppDatabase,
  ctx: ApplyContext,
  lease: string,
  object: SalesforceObject,
  records: readonly SfRecord[],
  summary: ObjectRunSummary,
  watermarks: Map<SalesforceObject, Date | null>,
  clock: SyncClock,
) {
  const result = await withTenant(db, ctx.tenantId, async (tx) => {
    if (!(await renewLease(tx, ctx.tenantId, lease, clock.now()))) throw new LeaseLost()
    const written = records.length ? await WRITERS[object](tx, ctx, records) : { created: 0, updated: 0, deleted: 0, skipped: 0 }
    const stamps = records.map(r => sfDate(r.SystemModstamp)?.getTime() ?? 0)
    const previous = watermarks.get(object)?.getTime() ?? 0
    const watermark = stamps.length ? new Date(Math.max(previous, ...stamps)) : (watermarks.get(object) ?? null)
    const out = written.created + written.updated + written.deleted
    const runIn = summary.in + records.length
    const runOut = summary.out + out
    await tx
      .insert(salesforceSyncState)
      .values({
        tenantId: ctx.tenantId,
        object,
        watermark,
        lastRunIn: runIn,
        lastRunOut: runOut,
        totalIn: records.length,
        totalOut: out,
        updatedAt: clock.now(),
      })
      .onConflictDoUpdate({
        target: [salesforceSyncState.tenantId, salesforceSyncState.object],
        set: {
          watermark,
          lastRunIn: runIn,
          lastRunOut: runOut,
          updatedAt: clock.now(),
          totalIn: sql`${salesforceSyncState.totalIn} + ${records.length}`,
          totalOut: sql`${salesforceSyncState.totalOut} + ${out}`,
        },
      })
    return { written, watermark, out }
  })
  watermarks.set(object, result.watermark)
  summary.pages++
  summary.in += records.length
  summary.created += result.written.created
  summary.updated += result.written.updated
  summary.deleted += result.written.deleted
  summary.skipped += result.written.skipped
  summary.out += result.out
}
