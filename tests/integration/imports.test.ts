import { mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accounts, contacts, deals, events, imports, users } from '../../db/schema'
import { withTenant } from '../../server/domain/core/db'
import { createImport } from '../../server/domain/imports/imports'
import { ImportOptionsSchema, type ImportOptions } from '../../server/domain/imports/parse'
import { INTERRUPTED, LEASE_MS, readHeader, runImport } from '../../server/domain/imports/run'
import { sweepImports } from '../../server/domain/imports/sweep'
import { createTenant, createUser } from '../../server/domain/tenancy/tenants'
import { createTestDatabase, type TestDatabase } from '../support/database'

const DATASET = new URL('../fixtures/crm-sales-opportunities/sales_pipeline.csv', import.meta.url).pathname
const DATASET_OPTIONS = ImportOptionsSchema.parse({
  kind: 'deals',
  mapping: {
    externalId: 'opportunity_id',
    ownerName: 'sales_agent',
    product: 'product',
    accountName: 'account',
    stage: 'deal_stage',
    createdAt: 'engage_date',
    closeDate: 'close_date',
    amount: 'close_value',
  },
  stageMap: { Prospecting: 'new', Engaging: 'qualified', Won: 'won', Lost: 'lost' },
})

let database: TestDatabase
let tenantId: string
let adminId: string
let dir: string
beforeAll(async () => {
  database = await createTestDatabase()
  const { tenant } = await createTenant(database.db, { name: 'Importers' })
  tenantId = tenant.id
  adminId = (
    await withTenant(database.db, tenantId, tx =>
      createUser(tx, tenantId, { email: 'admin@importers.test', name: 'Ada Admin', role: 'admin' }),
    )
  ).id
  dir = await mkdtemp(join(tmpdir(), 'momentum-import-test-'))
})
afterAll(() => database.close())

const inTenant = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, tenantId, fn)

/** Records the import as the API would, then runs it to the end. */
async function importFile(path: string, options: ImportOptions, openDealLimit: number | null = null) {
  const row = await inTenant(async tx => createImport(tx, { tenantId, userId: adminId }, options, await readHeader(path), 'test.csv'))
  const totals = await runImport(database.db, { id: row.id, tenantId, userId: adminId, kind: options.kind, options, path, openDealLimit })
  const [stored] = await inTenant(tx => tx.select().from(imports).where(eq(imports.id, row.id)))
  return { totals, stored: stored! }
}

async function csvFile(name: string, lines: string[]) {
  const path = join(dir, name)
  await writeFile(path, lines.join('\n'))
  return path
}

const count = (table: typeof deals | typeof accounts | typeof contacts | typeof events) =>
  inTenant(async tx => (await tx.select({ n: sql<number>`count(*)::int` }).from(table).where(eq(table.tenantId, tenantId)))[0]!.n)

describe('importing the public CRM data set (8,800 opportunities)', () => {
  it(
    'creates 8,800 deals whose per-stage counts and won total match the file, and owners as inactive users',
    { timeout: 180_000 },
    async () => {
      const { totals, stored } = await importFile(DATASET, DATASET_OPTIONS)
      expect(stored).toMatchObject({
        status: 'done',
        rowsTotal: 8800,
        rowsDone: 8800,
        created: 8800,
        updated: 0,
        skipped: 0,
        errorCount: 0,
      })
      expect(totals.errors).toEqual([])

      const byStage = await inTenant(tx =>
        tx
          .select({ stage: deals.stage, n: sql<number>`count(*)::int`, total: sql<string>`sum(${deals.amount})` })
          .from(deals)
          .where(eq(deals.tenantId, tenantId))
          .groupBy(deals.stage),
      )
      const stage = Object.fromEntries(byStage.map(s => [s.stage, s]))
      // Counted in the file: Prospecting 500, Engaging 1,589, Won 4,238 (close_value 10,005,534), Lost 2,473.
      expect(Object.fromEntries(byStage.map(s => [s.stage, s.n]))).toEqual({ new: 500, qualified: 1589, won: 4238, lost: 2473 })
      expect(Number(stage.won!.total)).toBe(10_005_534)

      // 30 sales agents, none of them users yet: created inactive, named as in the file.
      const owners = await inTenant(tx =>
        tx
          .select({ name: users.name, active: users.active, email: users.email })
          .from(users)
          .where(and(eq(users.tenantId, tenantId), eq(users.active, false))),
      )
      expect(owners).toHaveLength(30)
      expect(owners.every(o => o.email.endsWith('@imported.invalid'))).toBe(true)
      expect(owners.map(o => o.name)).toContain('Darcel Schlecht')
      const [darcel] = await inTenant(tx =>
        tx
          .select({ n: sql<number>`count(*)::int` })
          .from(deals)
          .innerJoin(users, and(eq(users.tenantId, deals.tenantId), eq(users.id, deals.ownerId)))
          .where(and(eq(deals.tenantId, tenantId), eq(users.name, 'Darcel Schlecht'))),
      )
      expect(darcel!.n).toBeGreaterThan(0)

      // 85 named accounts; the 1,425 deals without one have none (and no empty-named account exists).
      expect(await count(accounts)).toBe(85)
      const [orphans] = await inTenant(tx =>
        tx
          .select({ n: sql<number>`count(*)::int` })
          .from(deals)
          .where(and(eq(deals.tenantId, tenantId), sql`${deals.accountId} is null`)),
      )
      expect(orphans!.n).toBe(1425)

      // Open deals keep an empty close date; a won deal carries its dates and product from the file.
      const [won] = await inTenant(tx =>
        tx
          .select()
          .from(deals)
          .where(and(eq(deals.tenantId, tenantId), eq(deals.externalId, '1C1I7A6R'))),
      )
      expect(won).toMatchObject({
        stage: 'won',
        amount: '1054.00',
        closeDate: '2017-03-01',
        product: 'GTX Plus Basic',
        name: 'Cancity — GTX Plus Basic',
      })
      expect(won!.createdAt.toISOString()).toBe('2016-10-20T00:00:00.000Z')
      const [openWithDate] = await inTenant(tx =>
        tx
          .select({ n: sql<number>`count(*)::int` })
          .from(deals)
          .where(and(eq(deals.tenantId, tenantId), sql`${deals.stage} in ('new', 'qualified') and ${deals.closeDate} is not null`)),
      )
      expect(openWithDate!.n).toBe(0)
      expect(await count(events)).toBe(8800)
    },
  )

  it('imports the same file again without creating, changing or recording anything', { timeout: 180_000 }, async () => {
    const before = { deals: await count(deals), accounts: await count(accounts), events: await count(events) }
    const { stored } = await importFile(DATASET, DATASET_OPTIONS)
    expect(stored).toMatchObject({ status: 'done', rowsDone: 8800, created: 0, updated: 0, skipped: 8800, errorCount: 0 })
    expect({ deals: await count(deals), accounts: await count(accounts), events: await count(events) }).toEqual(before)
  })
})

describe('row errors, repeats and changes', () => {
  const options = ImportOptionsSchema.parse({
    kind: 'deals',
    mapping: {
      externalId: 'id',
      name: 'title',
      stage: 'stage',
      amount: 'value',
      closeDate: 'close',
      ownerEmail: 'owner',
      contactEmail: 'contact',
    },
    dateFormat: 'dmy',
  })

  it('reports each bad row by its row number and imports the good ones', async () => {
    const path = await csvFile('errors.csv', [
      'id,title,stage,value,close,owner,contact',
      'E-1,Good deal,proposal,"1,500.50",31.12.2026,admin@importers.test,buyer@acme.test',
      'E-2,Bad stage,maybe,10,,,',
      'E-3,Bad amount,new,ten,,,',
      'E-4,Bad date,new,10,31/31/2026,,',
      'E-1,Repeat,new,10,,,',
      ',No id,new,10,,,',
      'E-5,New owner,contacted,99,,New.Rep@importers.test,',
    ])
    const { stored } = await importFile(path, options)
    expect(stored).toMatchObject({ status: 'done', rowsTotal: 7, rowsDone: 7, created: 2, errorCount: 5 })
    expect(stored.errors.map(e => e.row)).toEqual([3, 4, 5, 6, 7])
    expect(stored.errors[0]!.message).toMatch(/stage "maybe" is not in the pipeline/)
    expect(stored.errors[1]!.message).toMatch(/amount: "ten" is not an amount/)
    expect(stored.errors[2]!.message).toMatch(/closeDate/)
    expect(stored.errors[3]!.message).toBe('repeats row 2 (E-1)')
    expect(stored.errors[4]!.message).toBe('externalId is empty')

    const [good] = await inTenant(tx => tx.select().from(deals).where(and(eq(deals.tenantId, tenantId), eq(deals.externalId, 'E-1'))))
    expect(good).toMatchObject({ name: 'Good deal', stage: 'proposal', amount: '1500.50', closeDate: '2026-12-31', ownerId: adminId })
    const [buyer] = await inTenant(tx =>
      tx
        .select()
        .from(contacts)
        .where(and(eq(contacts.tenantId, tenantId), eq(contacts.email, 'buyer@acme.test'))),
    )
    expect(buyer).toMatchObject({ firstName: 'buyer', source: 'import' })
    const [newRep] = await inTenant(tx =>
      tx
        .select()
        .from(users)
        .where(and(eq(users.tenantId, tenantId), eq(users.email, 'new.rep@importers.test'))),
    )
    expect(newRep).toMatchObject({ active: false, role: 'rep', passwordHash: null })
  })

  it('updates a changed row with stage_changed and deal_updated events, leaving unchanged rows alone', async () => {
    const path = await csvFile('changed.csv', [
      'id,title,stage,value,close,owner,contact',
      'E-1,Good deal,negotiation,2000,15.01.2027,admin@importers.test,buyer@acme.test',
      'E-5,New owner,contacted,99,,New.Rep@importers.test,',
    ])
    const { stored } = await importFile(path, options)
    expect(stored).toMatchObject({ status: 'done', created: 0, updated: 1, skipped: 1, errorCount: 0 })
    const [deal] = await inTenant(tx => tx.select().from(deals).where(and(eq(deals.tenantId, tenantId), eq(deals.externalId, 'E-1'))))
    expect(deal).toMatchObject({ stage: 'negotiation', amount: '2000.00', closeDate: '2027-01-15' })
    const trail = await inTenant(tx => tx.select({ type: events.type, metadata: events.metadata }).from(events)
      .where(and(eq(events.tenantId, tenantId), eq(events.dealId, deal!.id))))
    expect(trail.find(e => e.type === 'stage_changed')?.metadata).toMatchObject({ from: 'proposal', to: 'negotiation', reason: 'import' })
    expect(trail.find(e => e.type === 'deal_updated')?.metadata).toEqual({
      changes: { amount: { from: 1500.5, to: 2000 }, closeDate: { from: '2026-12-31', to: '2027-01-15' } },
    })
  })

  it('refuses new open deals past the plan\'s limit, row by row', async () => {
    const open = await count(deals)
    const path = await csvFile('limit.csv', [
      'id,title,stage,value,close,owner,contact',
      'L-1,One,new,1,,,',
      'L-2,Two,won,1,01.01.2026,,',
      'L-3,Three,new,1,,,',
    ])
    const openNow = await inTenant(
      async tx =>
        (
          await tx
            .select({ n: sql<number>`count(*)::int` })
            .from(deals)
            .where(and(eq(deals.tenantId, tenantId), sql`${deals.stage} not in ('won', 'lost')`))
        )[0]!.n,
    )
    const { stored } = await importFile(path, options, openNow + 1)
    expect(stored).toMatchObject({ created: 2, errorCount: 1 })
    expect(stored.errors).toEqual([{ row: 4, message: `the plan allows ${openNow + 1} open deals; upgrade to import more` }])
    expect(await count(deals)).toBe(open + 2)
  })

  it('fails the import with the parser\'s message on a broken CSV, keeping the batches already committed', async () => {
    const path = await csvFile('broken.csv', ['id,title,stage,value,close,owner,contact', 'B-1,"Unclosed,new,1,,,'])
    await expect(importFile(path, options)).rejects.toThrow(/quote/i)
    const [failed] = await inTenant(tx =>
      tx
        .select()
        .from(imports)
        .where(and(eq(imports.tenantId, tenantId), eq(imports.status, 'failed'))),
    )
    expect(failed!.failure).toMatch(/quote/i)
  })
})

describe('accounts, contacts and events', () => {
  it('imports accounts by name and contacts by email, matching them again on a second run', async () => {
    const accountsFile = await csvFile('accounts.csv', ['account,sector', 'Wayne Enterprises,technolgy', 'Stark Industries,medical'])
    const accountOptions = ImportOptionsSchema.parse({ kind: 'accounts', mapping: { name: 'account', industry: 'sector' } })
    expect((await importFile(accountsFile, accountOptions)).stored).toMatchObject({ created: 2, skipped: 0 })
    expect((await importFile(accountsFile, accountOptions)).stored).toMatchObject({ created: 0, skipped: 2 })

    const contactsFile = await csvFile('contacts.csv', [
      'first,last,email,company',
      'Wile,Coyote,wile@acme.test,wayne enterprises',
      'Road,Runner,road@beta.test,Stark Industries',
    ])
    const contactOptions = ImportOptionsSchema.parse({
      kind: 'contacts',
      mapping: { firstName: 'first', lastName: 'last', email: 'email', accountName: 'company' },
    })
    expect((await importFile(contactsFile, contactOptions)).stored).toMatchObject({ created: 2, errorCount: 0 })
    expect((await importFile(contactsFile, contactOptions)).stored).toMatchObject({ created: 0, skipped: 2 })
    const [wile] = await inTenant(tx => tx.select({ account: accounts.name }).from(contacts)
      .innerJoin(accounts, and(eq(accounts.tenantId, contacts.tenantId), eq(accounts.id, contacts.accountId)))
      .where(and(eq(contacts.tenantId, tenantId), eq(contacts.email, 'wile@acme.test'))))
    expect(wile!.account).toBe('Wayne Enterprises')
  })

  it('imports activity onto deals and contacts once, and reports unknown references by row', async () => {
    const file = await csvFile('events.csv', [
      'id,type,when,deal,email,notes',
      'A-1,call,2026-11-02T10:00:00Z,E-1,,Discussed pricing',
      'A-2,email_received,11/03/2026,,wile@acme.test,',
      'A-3,meeting_held,2026-11-04,NOPE,,',
      'A-4,dance,2026-11-04,E-1,,',
    ])
    const options = ImportOptionsSchema.parse({
      kind: 'events',
      mapping: { externalId: 'id', type: 'type', occurredAt: 'when', dealExternalId: 'deal', contactEmail: 'email', body: 'notes' },
    })
    const first = await importFile(file, options)
    expect(first.stored).toMatchObject({ created: 2, errorCount: 2 })
    expect(first.stored.errors).toEqual([
      { row: 4, message: 'no deal has the external id "NOPE"' },
      { row: 5, message: expect.stringMatching(/^type "dance" is not one of/) },
    ])
    const second = await importFile(file, options)
    expect(second.stored).toMatchObject({ created: 0, skipped: 2 })
    const [call] = await inTenant(tx =>
      tx
        .select()
        .from(events)
        .where(and(eq(events.tenantId, tenantId), eq(events.source, 'import'), eq(events.externalId, 'A-1'))),
    )
    expect(call).toMatchObject({ type: 'call', metadata: { body: 'Discussed pricing' } })
    expect(call!.occurredAt.toISOString()).toBe('2026-11-02T10:00:00.000Z')
  })
})

describe('a file that goes away', () => {
  it('fails the import with the read error instead of waiting forever', async () => {
    const options = ImportOptionsSchema.parse({ kind: 'accounts', mapping: { name: 'name' } })
    const row = await inTenant(tx => createImport(tx, { tenantId, userId: adminId }, options, ['name'], 'gone.csv'))
    await expect(
      runImport(database.db, {
        id: row.id,
        tenantId,
        userId: adminId,
        kind: 'accounts',
        options,
        path: join(dir, 'no-such-file.csv'),
        openDealLimit: null,
      }),
    ).rejects.toThrow(/ENOENT/)
    const [failed] = await inTenant(tx => tx.select().from(imports).where(eq(imports.id, row.id)))
    expect(failed).toMatchObject({ status: 'failed', failure: expect.stringContaining('ENOENT') })
  })
})

describe('NULs and imports whose process died', () => {
  const accountOptions = ImportOptionsSchema.parse({ kind: 'accounts', mapping: { name: 'name', industry: 'industry' } })

  it('imports cells holding NULs with the NULs dropped, finishing instead of failing', async () => {
    const path = await csvFile('nul.csv', ['name,industry', 'Nul\u0000 Works,Ret\u0000ail', 'Plain Works,Retail'])
    const { stored } = await importFile(path, accountOptions)
    expect(stored).toMatchObject({ status: 'done', created: 2, errorCount: 0, failure: null })
    const names = await inTenant(tx =>
      tx
        .select({ name: accounts.name, industry: accounts.industry })
        .from(accounts)
        .where(sql`${accounts.name} like '% Works'`),
    )
    expect(names.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'Nul Works', industry: 'Retail' },
      { name: 'Plain Works', industry: 'Retail' },
    ])
  })

  it('fails an import whose process died (no heartbeat past the lease) and removes its upload and orphaned ones, '
    + 'leaving a live process\'s import and files alone', async () => {
    const uploads = await mkdtemp(join(tmpdir(), 'momentum-sweep-test-'))
    const make = () => inTenant(tx => createImport(tx, { tenantId, userId: adminId }, accountOptions, ['name', 'industry'], 'a.csv'))
    const [dead, live] = [await make(), await make()]
    const now = new Date()
    await inTenant(tx =>
      tx
        .update(imports)
        .set({ status: 'running', updatedAt: new Date(now.getTime() - LEASE_MS - 1000) })
        .where(eq(imports.id, dead.id)),
    )
    await inTenant(tx => tx.update(imports).set({ status: 'running', updatedAt: now }).where(eq(imports.id, live.id)))
    const old = new Date(now.getTime() - 60 * 60_000)
    for (const name of [`${dead.id}.upload`, `${live.id}.upload`, 'orphan.tmp', 'arriving.tmp'])
      await writeFile(join(uploads, name), 'name\nx\n')
    for (const name of [`${dead.id}.upload`, `${live.id}.upload`, 'orphan.tmp']) await utimes(join(uploads, name), old, old)

    const result = await sweepImports(database.db, { now, dir: uploads })
    expect(result.interrupted).toContain(dead.id)
    expect(result.interrupted).not.toContain(live.id)
    const rows = await inTenant(tx =>
      tx
        .select()
        .from(imports)
        .where(inArray(imports.id, [dead.id, live.id])),
    )
    expect(rows.find(r => r.id === dead.id)).toMatchObject({ status: 'failed', failure: INTERRUPTED })
    expect(rows.find(r => r.id === live.id)).toMatchObject({ status: 'running', failure: null })
    expect((await readdir(uploads)).sort()).toEqual([`${live.id}.upload`, 'arriving.tmp'].sort())
  })

  it('stops a run that another process failed for want of a heartbeat, recording why', { timeout: 120_000 }, async () => {
    const row = await inTenant(async tx =>
      createImport(tx, { tenantId, userId: adminId }, DATASET_OPTIONS, await readHeader(DATASET), 'big.csv'),
    )
    const run = runImport(
      database.db,
      { id: row.id, tenantId, userId: adminId, kind: 'deals', options: DATASET_OPTIONS, path: DATASET, openDealLimit: null },
      undefined,
      { heartbeatMs: 20 },
    )
    const status = async () =>
      (await inTenant(tx => tx.select({ status: imports.status }).from(imports).where(eq(imports.id, row.id))))[0]!.status
    while (await status() === 'queued') await new Promise(r => setTimeout(r, 5))
    await inTenant(tx => tx.update(imports).set({ status: 'failed', failure: INTERRUPTED }).where(eq(imports.id, row.id)))
    await expect(run).rejects.toThrow(/another server process took this import for dead/)
    const [stored] = await inTenant(tx => tx.select().from(imports).where(eq(imports.id, row.id)))
    expect(stored).toMatchObject({ status: 'failed', failure: expect.stringMatching(/^interrupted: another server process/) })
    expect(stored!.rowsDone).toBeLessThan(8800)
  })
})
