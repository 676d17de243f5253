import { createReadStream } from 'node:fs'
import { and, eq, inArray } from 'drizzle-orm'
import { parse, type Options } from 'csv-parse'
import { imports, type ImportKind } from '../../../db/schema'
import type { AppDatabase } from '../../../db/client'
import { withTenant, type Tx } from '../core/db'
import { loadStages } from '../deals/records'
import { fieldDefinitions } from '../records/customFields'
import { toStorable } from '../security/body'
import { applyAccounts, applyContacts, applyEvents, type BatchResult, type Numbered } from './apply'
import { applyDeals } from './applyDeals'
import { newRun, type ImportRun } from './resolve'
import { parseAccountRow, parseContactRow, parseDealRow, parseEventRow, type ImportOptions, type ParseContext, type Parsed } from './parse'

/** Rows per transaction: each batch commits with the import's progress, or not at all. */
export const BATCH_ROWS = 500
/** Row errors kept for the API (the count keeps going). */
export const MAX_ERRORS = 1000
/** How often a running import says it is alive (its `updatedAt`), batch or no batch. */
export const HEARTBEAT_MS = 15_000
/**
 * A queued or running import whose heartbeat is older than this lost its process (a crash, a
 * kill): it is failed (see sweep.ts) and shown failed. Four heartbeats, so a busy process is not
 * taken for a dead one; with several server processes, only the owner's heartbeat counts.
 */
export const LEASE_MS = 4 * HEARTBEAT_MS
/** What a dead process's import says. */
export const INTERRUPTED
  = 'interrupted: the server stopped while importing; run the import again (rows already imported are matched, not duplicated)'

const ACTIVE = ['queued', 'running'] as const

type Cells = Record<string, string | undefined>

/** The reader and the writer of each kind, and which parsed field keeps a file's rows distinct. */
const KINDS: {
  [K in ImportKind]: {
    parse: (cells: Cells, ctx: ParseContext) => Parsed<unknown>
    apply: (tx: Tx, run: ImportRun, batch: Numbered<never>[]) => Promise<BatchResult>
    key: (value: never) => string | null
  }
} = {
  deals: { parse: parseDealRow, apply: applyDeals, key: (v: { externalId: string }) => `id:${v.externalId}` },
  accounts: {
    parse: parseAccountRow,
    apply: applyAccounts,
    key: (v: { externalId: string | null, name: string }) => (v.externalId ? `id:${v.externalId}` : `name:${v.name.toLowerCase()}`),
  },
  contacts: {
    parse: parseContactRow,
    apply: applyContacts,
    key: (v: { externalId: string | null, email: string | null }) => (v.externalId ? `id:${v.externalId}` : `email:${v.email}`),
  },
  events: { parse: parseEventRow, apply: applyEvents, key: (v: { externalId: string }) => `id:${v.externalId}` },
}

/** The file through a CSV parser; a read error (the file gone, say) ends the parser with it. */
function parsed(path: string, options: Options) {
  const parser = parse(options)
  const file = createReadStream(path)
  file.on('error', error => parser.destroy(error))
  return file.pipe(parser)
}

/** A CSV reader of the file, one record per row keyed by the header's column names. */
export function csvRecords(path: string) {
  return parsed(path, {
    columns: header => (header as string[]).map(h => toStorable(h.trim())),
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
  })
}

/** The file's header row (its column names). */
export async function readHeader(path: string): Promise<string[]> {
  for await (const record of parsed(path, { bom: true, to_line: 1 })) return (record as string[]).map(h => toStorable(h.trim()))
  return []
}

/** How many data rows the file has (a streaming pass that keeps nothing). */
export async function countRows(path: string): Promise<number> {
  let n = 0
  for await (const _ of parsed(path, { bom: true, skip_empty_lines: true, relax_column_count: true, from_line: 2 })) n++
  return n
}

export interface ImportJob {
  id: string
  tenantId: string
  userId: string
  kind: ImportKind
  options: ImportOptions
  path: string
  openDealLimit: number | null
}

export interface ImportTotals {
  rowsDone: number
  created: number
  updated: number
  skipped: number
  errorCount: number
  errors: { row: number, message: string }[]
}

/** The cells of a row as they can be stored: NULs dropped, unpaired surrogates replaced (a CSV may hold anything). */
const storableCells = (cells: Cells): Cells =>
  Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, typeof v === 'string' ? toStorable(v) : v]))

/**
 * Runs an import to the end: a counting pass for the progress bar, then a streaming pass that
 * parses rows and writes them in batches. Memory holds one batch, the lookups made so far and
 * the keys already seen (to report a row that repeats an earlier one), never the file. A
 * heartbeat every HEARTBEAT_MS keeps the import this process's; should another process have
 * failed it meanwhile (no heartbeat for LEASE_MS), the run stops at its next row.
 */
export async function runImport(
  db: AppDatabase,
  job: ImportJob,
  now: () => Date = () => new Date(),
  options: { heartbeatMs?: number } = {},
): Promise<ImportTotals> {
  const setProgress = (tx: Tx, values: Partial<typeof imports.$inferInsert>) =>
    tx
      .update(imports)
      .set({ ...values, updatedAt: now() })
      .where(and(eq(imports.tenantId, job.tenantId), eq(imports.id, job.id)))
  const totals: ImportTotals = { rowsDone: 0, created: 0, updated: 0, skipped: 0, errorCount: 0, errors: [] }
  const addError = (row: number, message: string) => {
    totals.errorCount++
    if (totals.errors.length < MAX_ERRORS) totals.errors.push({ row, message: toStorable(message) })
  }
  let lost = false
  const heartbeat = setInterval(() => {
    withTenant(db, job.tenantId, tx =>
      tx
        .update(imports)
        .set({ updatedAt: now() })
        .where(and(eq(imports.tenantId, job.tenantId), eq(imports.id, job.id), inArray(imports.status, ACTIVE)))
        .returning({ id: imports.id }),
    ).then(
      (alive) => {
        if (!alive.length) lost = true
      },
      () => {
        /* the database is away: the next batch finds out */
      },
    )
  }, options.heartbeatMs ?? HEARTBEAT_MS)
  heartbeat.unref()
  try {
    const rowsTotal = await countRows(job.path)
    const ctx: ParseContext = await withTenant(db, job.tenantId, async (tx) => {
      await setProgress(tx, { status: 'running', startedAt: now(), rowsTotal })
      return {
        options: job.options,
        stages: await loadStages(tx, job.tenantId),
        customFields: job.kind === 'events' ? [] : await fieldDefinitions(tx, job.tenantId, job.kind.slice(0, -1) as 'deal'),
      }
    })
    const kind = KINDS[job.kind]
    const run = newRun(job.tenantId, job.userId, job.openDealLimit)
    const seen = new Map<string, number>()
    let batch: Numbered<unknown>[] = []
    let rowsInBatch = 0

    const flush = async () => {
      const rows = batch
      const count = rowsInBatch
      batch = []
      rowsInBatch = 0
      await withTenant(db, job.tenantId, async (tx) => {
        const result = await kind.apply(tx, run, rows as Numbered<never>[])
        totals.rowsDone += count
        totals.created += result.created
        totals.updated += result.updated
        totals.skipped += result.skipped
        for (const e of result.errors) addError(e.row, e.message)
        totals.errors.sort((a, b) => a.row - b.row)
        await setProgress(tx, {
          rowsDone: totals.rowsDone,
          created: totals.created,
          updated: totals.updated,
          skipped: totals.skipped,
          errorCount: totals.errorCount,
          errors: totals.errors,
        })
      }).catch((error: unknown) => {
        // A failed batch rolled back whole: forget lookups that may name records it had created.
        run.owners.clear()
        run.accounts.clear()
        throw error
      })
    }

    let row = 1
    for await (const cells of csvRecords(job.path)) {
      if (lost) throw new Error('interrupted: another server process took this import for dead (no heartbeat); run the import again')
      row++
      rowsInBatch++
      const parsed = kind.parse(storableCells(cells as Cells), ctx)
      if (!parsed.ok) addError(row, parsed.message)
      else {
        const key = kind.key(parsed.value as never)
        const earlier = key ? seen.get(key) : undefined
        if (earlier) addError(row, `repeats row ${earlier} (${key!.replace(/^\w+:/, '')})`)
        else {
          if (key) seen.set(key, row)
          batch.push({ row, value: parsed.value })
        }
      }
      if (rowsInBatch >= BATCH_ROWS) await flush()
    }
    await flush()
    await withTenant(db, job.tenantId, tx => setProgress(tx, { status: 'done', finishedAt: now() }))
    return totals
  }
  catch (error) {
    // Stored as text: whatever the error says (a cell's content, say), nothing PostgreSQL refuses.
    const message = toStorable((error instanceof Error ? error.message : String(error)).slice(0, 500))
    // The connection that failed the batch may have taken its pool's idle ones with it (a database
    // restart, a cut network): the next try gets a fresh connection, so try a few times.
    for (const wait of [0, 250, 1000, 3000]) {
      if (wait) await new Promise(resolve => setTimeout(resolve, wait))
      const recorded = await withTenant(db, job.tenantId, tx =>
        setProgress(tx, { status: 'failed', finishedAt: now(), failure: message }),
      ).then(
        () => true,
        () => false,
      )
      if (recorded) break
    }
    throw error
  }
  finally {
    clearInterval(heartbeat)
  }
}

/** What the API shows of an import; a run cut off by a dead process shows as failed. Pure. */
export function importView(row: typeof imports.$inferSelect, now = new Date()) {
  const stale = (row.status === 'running' || row.status === 'queued') && now.getTime() - row.updatedAt.getTime() > LEASE_MS
  return {
    id: row.id,
    kind: row.kind,
    fileName: row.fileName,
    status: stale ? 'failed' as const : row.status,
    rowsTotal: row.rowsTotal,
    rowsDone: row.rowsDone,
    created: row.created,
    updated: row.updated,
    skipped: row.skipped,
    errorCount: row.errorCount,
    errors: row.errors,
    failure: stale ? INTERRUPTED : row.failure,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  }
}
