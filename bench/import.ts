// npm run bench:import — a generated 100,000-row deals CSV uploaded to POST /api/v1/imports (built
// server, real Postgres): rows/s to the end of the import, and the server's peak memory while it
// runs (resident set, sampled, and the kernel's high-water mark). Target: peak RSS < 300 MB.
// A second upload of the same file (everything matched, nothing written) is timed beside it.
import { createWriteStream, openAsBlob } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { sql } from 'drizzle-orm'
import { withTenant } from '../server/domain/core/db'
import { createApiKey } from '../server/domain/tenancy/apiKeys'
import { createTenant, createUser } from '../server/domain/tenancy/tenants'
import { freshDatabase, memoryOf, report, sampleMemory, startServer, timed } from './lib'

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000)
const STAGES = ['Prospecting', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Lost']
const STAGE_MAP = { Prospecting: 'new', Qualified: 'qualified', Proposal: 'proposal', Negotiation: 'negotiation', Won: 'won', Lost: 'lost' }

const database = await freshDatabase('import')
const { result } = await createTenant(database.db, { name: 'Import Bench', plan: 'enterprise' }, async (tx, t) => {
  const user = await createUser(tx, t.id, { email: 'admin@import.bench', name: 'Bench Admin', role: 'admin' })
  for (let i = 0; i < 10; i++) await createUser(tx, t.id, { email: `rep${i}@import.bench`, name: `Rep ${i}`, role: 'rep' })
  const created = await createApiKey(tx, { tenantId: t.id, userId: user.id }, { name: 'bench', scopes: ['write'], ratePerMinute: 100_000 })
  return { tenantId: t.id, key: created.key }
})
const { tenantId, key } = result!

// A reproducible file: 1,000 accounts, 20 owners (10 known users, 10 unknown by name), quoted names.
const path = join(tmpdir(), `momentum-bench-import-${ROWS}.csv`)
const out = createWriteStream(path)
out.write('Opportunity ID,Opportunity Name,Account,Owner,Owner Email,Stage,Amount,Close Date,Created\n')
for (let i = 0; i < ROWS; i++) {
  const owner = i % 20 < 10 ? `Rep ${i % 10},rep${i % 10}@import.bench` : `Agent ${i % 20},`
  const stage = STAGES[i % STAGES.length]!
  const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000)
  const close
    = stage === 'Prospecting' ? '' : `${day(i % 600).getUTCMonth() + 1}/${day(i % 600).getUTCDate()}/${day(i % 600).getUTCFullYear()}`
  const line = `OPP-${String(i).padStart(7, '0')},"Deal ${i}, phase ${i % 7}",Account ${i % 1000},${owner},${stage},`
    + `${(1000 + ((i * 37) % 90_000)).toFixed(2)},${close},${day(i % 500).toISOString().slice(0, 10)}\n`
  if (!out.write(line)) await once(out, 'drain')
}
out.end()
await once(out, 'finish')
const bytes = (await openAsBlob(path)).size

const server = await startServer(database.url)
const pid = server.process.pid!

const mapping = {
  externalId: 'Opportunity ID',
  name: 'Opportunity Name',
  accountName: 'Account',
  ownerName: 'Owner',
  ownerEmail: 'Owner Email',
  stage: 'Stage',
  amount: 'Amount',
  closeDate: 'Close Date',
  createdAt: 'Created',
}

/** Uploads the file (streamed from disk), waits for the import to end, sampling the server's RSS. */
async function runOnce() {
  const sampler = sampleMemory(pid)
  const form = new FormData()
  form.append('kind', 'deals')
  form.append('mapping', JSON.stringify(mapping))
  form.append('stageMap', JSON.stringify(STAGE_MAP))
  form.append('file', await openAsBlob(path, { type: 'text/csv' }), 'bench.csv')
  const { result: final, seconds } = await timed(async () => {
    const started = await fetch(`${server.url}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form })
    if (started.status !== 202) throw new Error(`import refused: ${started.status} ${await started.text()}`)
    const { id } = await started.json() as { id: string }
    for (;;) {
      const state = (await (
        await fetch(`${server.url}/api/v1/imports/${id}`, { headers: { authorization: `Bearer ${key}` } })
      ).json()) as Record<string, unknown>
      if (state.status === 'done' || state.status === 'failed') return state
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  })
  return { final, seconds, peakMb: sampler.stop() }
}

const baselineMb = (await memoryOf(pid)).rssMb
const first = await runOnce()
const second = await runOnce()
const { highWaterMb } = await memoryOf(pid)
await server.stop()

const [{ deals }] = (
  (await withTenant(database.db, tenantId, tx => tx.execute(sql`select count(*)::int as deals from deals`))) as unknown as {
    rows: [{ deals: number }]
  }
).rows
await rm(path, { force: true })

const rate = ROWS / first.seconds
await report(
  'import',
  [
    {
      'run': 'first import (creates every deal)',
      'rows': ROWS,
      'seconds': +first.seconds.toFixed(2),
      'rows/s': Math.round(rate),
      'status': String(first.final.status),
      'created': Number(first.final.created),
      'errors': Number(first.final.errorCount),
      'peak RSS MB (sampled)': Math.round(first.peakMb),
    },
    {
      'run': 'same file again (matches every deal)',
      'rows': ROWS,
      'seconds': +second.seconds.toFixed(2),
      'rows/s': Math.round(ROWS / second.seconds),
      'status': String(second.final.status),
      'created': Number(second.final.created),
      'errors': Number(second.final.errorCount),
      'peak RSS MB (sampled)': Math.round(second.peakMb),
    },
  ],
  [
    {
      name: 'server peak RSS while importing (kernel high-water mark)',
      value: highWaterMb,
      unit: 'MB',
      target: '< 300',
      pass: highWaterMb < 300 && first.final.status === 'done' && deals === ROWS,
    },
    { name: 'import rate', value: rate, unit: 'rows/s', target: 'reported', pass: true },
    { name: 'idle server RSS before the import', value: baselineMb, unit: 'MB', target: 'reported', pass: true },
  ],
  { csvRows: ROWS, fileMB: +(bytes / 2 ** 20).toFixed(1), deals, second: second.final },
)
await database.drop()
