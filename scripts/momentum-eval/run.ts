// npm run eval:momentum — the momentum backtest. Builds the app (EVAL_REUSE_BUILD=1 reuses
// .output), starts the built server on a fresh database (a new one on TEST_DATABASE_URL's server,
// else an embedded PGlite), generates tenants with known outcomes (./generator.ts), creates their
// accounts, contacts and deals and posts their events through the public API, runs the scoring
// and reads every deal's GET /api/v1/deals/:id/momentum. Prints, on the test half of each tenant:
// AUC, Brier, win rate per state and per decile of the win probability, next to the stage's
// probability alone, the base rate, and a logistic ceiling (a regression on the engine's own
// signals fitted on the other half); the reasons of 20 random deals beside their story; and for a
// "day one" tenant (two weeks of history) the false "never engaged", the "engagement up" and the
// first run's alerts.
//
//   npm run eval:momentum                       evaluation seeds 101, 102 (1,500 deals), day one 201
//   npm run eval:momentum -- --fit              fits the shipped weights on training seeds 1, 2, 3
//   EVAL_SEEDS=7,8 EVAL_DEALS=600 npm run eval:momentum
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { adminQuery, withDatabaseName } from '../../db/admin'
import { MOMENTUM_STATES as STATES } from '../../shared/utils/momentumStates'
import { auc, brier, deciles, fitLogistic, sigmoid } from '../../server/domain/momentum/logistic'
import { scoreDeal } from '../../server/domain/momentum/rules'
import {
  baselineZ,
  designRow,
  FEATURES,
  predict,
  signalsWeekAgo,
  stageLogit,
  WEIGHT_KEYS,
  type ReasonCode,
  type Weights,
} from '../../server/domain/momentum/model'
import type { DealSignals } from '../../server/domain/momentum/signals'
import { Client, type Json } from '../../tests/support/http'
import { generateTenant, rng, type GenDeal, type GenEvent, type GenTenant } from './generator'

const DAY = 86_400_000
const args = new Set(process.argv.slice(2))
const FIT = args.has('--fit')
const seedsOf = (text: string | undefined, fallback: number[]) => (text ? text.split(',').map(Number) : fallback)
const SEEDS = FIT ? seedsOf(process.env.EVAL_TRAIN_SEEDS, [1, 2, 3]) : seedsOf(process.env.EVAL_SEEDS, [101, 102])
const DEALS = Number(process.env.EVAL_DEALS ?? (FIT ? 1200 : 1500))
const DAY_ONE_SEED = FIT ? null : Number(process.env.EVAL_DAY_ONE_SEED ?? 201)
/**
 * --offline: no server; the signals the last run read for these seeds (kept in the system's temp folder)
 * are scored again by the current model code and weights — for trying a change quickly. The
 * figures to quote come from a full run.
 */
const OFFLINE = args.has('--offline')
const CACHE = join(tmpdir(), 'momentum-eval-cache')
const cacheFile = (seed: number, deals: number, historyDays: number) => join(CACHE, `seed-${seed}-${deals}-${historyDays}.json`)

// ---------------------------------------------------------------------------------------------
// The server.

async function freePort() {
  const probe = createServer()
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise(resolve => probe.close(resolve))
  return port
}

async function startServer() {
  if (process.env.EVAL_REUSE_BUILD !== '1' || !existsSync('.output/server/index.mjs')) {
    const build = spawnSync('npx', ['nuxt', 'build'], { stdio: 'inherit' })
    if (build.status !== 0) throw new Error('nuxt build failed')
  }
  const port = await freePort()
  const env: Record<string, string> = {
    ...process.env as Record<string, string>,
    NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port),
    NUXT_SESSION_PASSWORD: randomBytes(24).toString('hex'), ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  }
  // Billing off: every capability (API keys included) is on.
  delete env.STRIPE_SECRET_KEY
  delete env.NUXT_SEED_DEMO
  let cleanup = async () => {}
  if (process.env.TEST_DATABASE_URL) {
    const name = `momentum_eval_${randomBytes(5).toString('hex')}`
    await adminQuery(process.env.TEST_DATABASE_URL, `create database ${name}`)
    env.DATABASE_URL = withDatabaseName(process.env.TEST_DATABASE_URL, name)
    cleanup = async () => {
      await adminQuery(process.env.TEST_DATABASE_URL!, `drop database if exists ${name} with (force)`)
    }
  }
  else {
    const dir = mkdtempSync(join(tmpdir(), 'momentum-eval-'))
    delete env.DATABASE_URL
    env.PGLITE_DIR = join(dir, 'pglite')
    cleanup = async () => rmSync(dir, { recursive: true, force: true })
  }
  const server = spawn(process.execPath, ['.output/server/index.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  server.stdout!.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-20_000)))
  server.stderr!.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-20_000)))
  const baseURL = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited: ${log}`)
    const ok = await fetch(`${baseURL}/api/health`).then(r => r.ok, () => false)
    if (ok) break
    if (Date.now() > deadline) throw new Error(`the server did not start: ${log}`)
    await new Promise(resolve => setTimeout(resolve, 500))
  }
  return {
    baseURL,
    stop: async () => {
      server.kill('SIGTERM')
      await new Promise(resolve => setTimeout(resolve, 500))
      await cleanup()
    },
  }
}

/** Runs `fn` over `items`, `width` at a time. */
async function pool<T, R>(items: readonly T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = Array.from({ length: items.length })
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!, i)
    }
  }))
  return out
}

const ok = (answer: { status: number, body: Json }, what: string) => {
  if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`)
  return answer.body
}

// ---------------------------------------------------------------------------------------------
// A generated tenant, through the public API.

interface Loaded { tenant: GenTenant, deals: { gen: GenDeal, id: string, momentum: Json }[], alertsFirstRun: number, eventsPosted: number }

const SOURCES: Record<GenEvent['type'], string> = {
  call: 'dialer',
  meeting_scheduled: 'calendar',
  meeting_held: 'calendar',
  note: 'direct',
  email_sent: 'gmail',
  email_received: 'gmail',
  email_opened: 'tracker',
  email_clicked: 'tracker',
  email_bounced: 'gmail',
  stage_changed: 'direct',
  deal_created: 'direct',
  deal_updated: 'direct',
}

async function loadTenant(baseURL: string, tenant: GenTenant, label: string): Promise<Loaded> {
  const now = Date.now()
  const isoDay = (daysFromNow: number) => new Date(now + daysFromNow * DAY).toISOString().slice(0, 10)
  const admin = new Client(baseURL)
  const email = `admin-${label}-${randomBytes(3).toString('hex')}@eval.test`
  const signup = ok(
    await admin.post('/api/auth/signup', {
      orgName: `Eval ${label}`,
      name: 'Eval Admin',
      email,
      password: `Eval-${randomBytes(8).toString('hex')}`,
    }),
    'signup',
  )
  const repId: string = signup.user.id
  const key = ok(await admin.post('/api/v1/api-keys', { name: 'eval', scopes: ['write'], ratePerMinute: 100_000 }), 'api key').key as string
  const api = new Client(baseURL, { authorization: `Bearer ${key}` })

  const accountIds = await pool(Array.from({ length: tenant.accounts }, (_, i) => i), 8, async i =>
    ok(await api.post('/api/v1/accounts', { name: `Account ${i + 1}`, domain: `account${i + 1}.example` }), 'account').id as string)
  const contactEmail = (deal: GenDeal, c: number) => `c${c + 1}.d${deal.index + 1}@account${deal.account + 1}.example`
  const contactIds = await pool(tenant.deals, 8, async deal =>
    pool(
      Array.from({ length: deal.contacts }, (_, c) => c),
      1,
      async c =>
        ok(
          await api.post('/api/v1/contacts', {
            firstName: `Contact${c + 1}`,
            lastName: `Deal${deal.index + 1}`,
            email: contactEmail(deal, c),
            accountId: accountIds[deal.account],
          }),
          'contact',
        ).id as string,
    ),
  )
  const dealIds = await pool(
    tenant.deals,
    8,
    async (deal, i) =>
      ok(
        await api.post('/api/v1/deals', {
          name: deal.name,
          amount: deal.amount,
          closeDate: isoDay(deal.closeInDays),
          accountId: accountIds[deal.account],
          stage: deal.stage,
          contactIds: contactIds[i],
        }),
        'deal',
      ).id as string,
  )

  const events: Json[] = []
  tenant.deals.forEach((deal, i) => {
    deal.events.forEach((e, n) => {
      const metadata: Record<string, unknown> = { ...e.metadata }
      const changes = metadata.changes as Record<string, Record<string, number>> | undefined
      if (changes?.closeDate)
        metadata.changes = { closeDate: { from: isoDay(changes.closeDate.fromDays!), to: isoDay(changes.closeDate.toDays!) } }
      const contactId = e.contact === null ? undefined : contactIds[i]![e.contact]
      events.push({
        type: e.type,
        occurredAt: new Date(now - e.daysAgo * DAY).toISOString(),
        source: SOURCES[e.type],
        externalId: `eval-${tenant.seed}-${i}-${n}`,
        actor: e.by === 'rep' ? { userId: repId } : { email: contactEmail(deal, e.contact ?? 0) },
        subject: { dealId: dealIds[i], ...(contactId ? { contactId } : {}) },
        metadata,
      })
    })
  })
  const batches = Array.from({ length: Math.ceil(events.length / 2000) }, (_, b) => events.slice(b * 2000, (b + 1) * 2000))
  await pool(batches, 2, async batch => ok(await api.post('/api/v1/events', { events: batch }), 'events'))

  const runs = ok(await admin.post('/api/v1/admin/tasks/momentum:refresh?full=1'), 'momentum:refresh').data as Json[]
  const run = runs.find(r => r.name === 'momentum:refresh')
  const alertsFirstRun = Number(run?.details?.alertsCreated ?? 0)
  const deals = await pool(tenant.deals, 8, async (gen, i) => ({
    gen,
    id: dealIds[i]!,
    momentum: ok(await api.get(`/api/v1/deals/${dealIds[i]}/momentum`), 'momentum'),
  }))
  // Every alert the tenant got while its history was posted (rescored live) and on the full run.
  const alerts = ok(await admin.get('/api/v1/alerts?state=all&limit=100'), 'alerts').data as Json[]
  return { tenant, deals, alertsFirstRun: Math.max(alertsFirstRun, alerts.length), eventsPosted: events.length }
}

// ---------------------------------------------------------------------------------------------
// Measures.

const pct = (v: number | null) => (v === null || Number.isNaN(v) ? '   - ' : `${(v * 100).toFixed(1).padStart(5)}%`)
const f3 = (v: number) => (Number.isNaN(v) ? '  -  ' : v.toFixed(3))

interface Row { signals: DealSignals, won: boolean, p: number, state: string, stage: string, reasons: Json[], gen: GenDeal }
const rowsOf = (loaded: Loaded): Row[] =>
  loaded.deals.map(d => ({
    signals: d.momentum.signals as DealSignals,
    won: d.gen.won,
    p: Number(d.momentum.winProbability),
    state: d.momentum.state,
    stage: d.gen.stage,
    reasons: d.momentum.reasons,
    gen: d.gen,
  }))

/** A logistic regression on the engine's own signals and the stage, fitted on one half. */
function ceiling(train: readonly Row[]) {
  const w = fitLogistic(
    { x: train.map(r => designRow(r.signals)), y: train.map(r => r.won), offset: train.map(r => stageLogit(r.signals.probability)) },
    { lambda: 1 },
  )
  return (r: Row) => sigmoid(stageLogit(r.signals.probability) + designRow(r.signals).reduce((s, x, j) => s + x * w[j]!, 0))
}

function report(label: string, loaded: Loaded) {
  const rows = rowsOf(loaded)
  const train = rows.filter((_, i) => i % 2 === 0)
  const test = rows.filter((_, i) => i % 2 === 1)
  const y = test.map(r => r.won)
  const base = train.filter(r => r.won).length / train.length
  const ceil = ceiling(train)
  const predictors: [string, number[]][] = [
    ['winProbability', test.map(r => r.p)],
    ['stage probability alone', test.map(r => r.signals.probability / 100)],
    ['base win rate', test.map(() => base)],
    ['logistic ceiling (signals + stage, fitted on the other half)', test.map(ceil)],
  ]
  console.log(
    `\n=== ${label}: ${rows.length} open deals, ${loaded.eventsPosted.toLocaleString('en')} events posted, `
    + `won ${pct(rows.filter(r => r.won).length / rows.length)}; test half ${test.length} deals`,
  )
  console.log('predictor                                                      AUC    Brier')
  for (const [name, p] of predictors) console.log(`${name.padEnd(62)} ${f3(auc(p, y))}  ${f3(brier(p, y))}`)
  const stageBrier = brier(predictors[1]![1], y)
  const modelBrier = brier(predictors[0]![1], y)
  console.log(`Brier improvement over the stage alone: ${pct((stageBrier - modelBrier) / stageBrier)}`)
  console.log('win rate per state (test half):  ' + STATES.map((s) => {
    const part = test.filter(r => r.state === s)
    return `${s} ${pct(part.length ? part.filter(r => r.won).length / part.length : null)} (${part.length})`
  }).join('  '))
  console.log('per stage, accelerating / steady / stalling / at risk (all deals):')
  for (const stage of ['new', 'contacted', 'qualified', 'proposal', 'negotiation']) {
    console.log(`  ${stage.padEnd(12)} ` + STATES.map((s) => {
      const part = rows.filter(r => r.stage === stage && r.state === s)
      return `${pct(part.length ? part.filter(r => r.won).length / part.length : null)} (${String(part.length).padStart(3)})`
    }).join('  '))
  }
  console.log('decile  predicted  actual  (test half, by winProbability)')
  for (const d of deciles(test.map(r => r.p), y)) console.log(`  ${String(d.decile).padStart(2)}    ${pct(d.predicted)}   ${pct(d.actual)}`)
  return { auc: auc(predictors[0]![1], y), brier: modelBrier, stageBrier }
}

function printStories(loaded: Loaded, seed: number) {
  const r = rng(seed)
  const rows = rowsOf(loaded)
  console.log('\n--- 20 random deals: the generated story, then what the engine says')
  const picked = new Set<number>()
  while (picked.size < Math.min(20, rows.length)) picked.add(Math.floor(r.next() * rows.length))
  for (const i of picked) {
    const row = rows[i]!
    console.log(`\n${row.gen.name} [${row.won ? 'WON' : 'lost'}] ${row.gen.story.join('; ')}`)
    console.log(
      `  -> ${row.state}, ${Math.round(row.p * 100)} % (stage ${row.signals.probability} %): ${
        row.reasons
          .slice(0, 4)
          .map((x: Json) => x.text)
          .join(' | ') || 'no reasons'
      }`,
    )
  }
}

function dayOne(loaded: Loaded) {
  const rows = rowsOf(loaded)
  const never = rows.filter(r => r.reasons.some((x: Json) => x.code === 'never_engaged')).length
  const up = rows.filter(r => r.reasons.some((x: Json) => x.code === 'engagement_trend' && x.points > 0)).length
  const states = STATES.map(s => `${s} ${rows.filter(r => r.state === s).length}`).join(', ')
  console.log(`\n=== day one (seed ${loaded.tenant.seed}, ${loaded.tenant.historyDays} days of history): ${rows.length} deals`)
  console.log(
    `"never engaged": ${never}; "buyer engagement up": ${up}; `
    + `alerts raised while loading and on the first full run: ${loaded.alertsFirstRun}; states: ${states}`,
  )
}

// ---------------------------------------------------------------------------------------------
// Fitting the shipped weights.

function fitShipped(rows: Row[], seeds: number[]) {
  const x = rows.map(r => designRow(r.signals))
  const y = rows.map(r => r.won)
  const offset = rows.map(r => stageLogit(r.signals.probability))
  const signs = WEIGHT_KEYS.map(k => (k === 'intercept' || k === 'stage' ? 0 : FEATURES[k as ReasonCode].sign))
  const w = fitLogistic({ x, y, offset }, { lambda: WEIGHT_KEYS.map(k => (k === 'intercept' ? 0.01 : 2)), signs })
  const weights = Object.fromEntries(WEIGHT_KEYS.map((k, i) => [k, Math.round(w[i]! * 1000) / 1000])) as Weights
  // State thresholds from the training deals' spread: where change and level put the quantiles.
  const change: number[] = []
  const relative: number[] = []
  for (const r of rows) {
    const now = predict(r.signals, weights)
    const before = predict(signalsWeekAgo(r.signals), weights)
    change.push(now.z - before.z)
    relative.push(now.z - baselineZ(r.signals.probability, weights))
  }
  const q = (values: number[], share: number) => [...values].sort((a, b) => a - b)[Math.floor(share * (values.length - 1))]!
  const round = (v: number) => Math.round(v * 100) / 100
  const state = {
    atRiskChange: round(Math.min(-0.3, q(change, 0.08))), atRiskBelowStage: round(q(relative, 0.15)),
    stallingChange: round(Math.min(-0.15, q(change, 0.2))), stallingBelowStage: round(q(relative, 0.35)),
    acceleratingChange: round(Math.max(0.15, q(change, 0.82))), acceleratingAboveStage: round(q(relative, 0.5)),
  }
  const file = `// Written by \`npm run fit:momentum\` (scripts/momentum-eval/run.ts --fit): do not edit by hand.
// Fitted jointly (L2-regularized logistic regression, the stage's log-odds as the offset) on
// ${rows.length} open deals of generated training tenants (seeds ${seeds.join(', ')}); the state thresholds are
// quantiles of those deals' weekly change and level against their stage.
export const SHIPPED = {
  fittedOn: 'training seeds ${seeds.join(', ')}, ${rows.length} deals',
  weights: ${JSON.stringify(weights, null, 4).replace(/"(\w+)":/g, '$1:').replace(/\n}/, ',\n  }').replaceAll('\n    ', '\n    ')},
  state: ${JSON.stringify(state).replace(/"(\w+)":/g, '$1: ').replace(/,/g, ', ').replace(/^\{/, '{ ').replace(/\}$/, ' }')},
} as const
`
  writeFileSync('server/domain/momentum/shipped-weights.ts', file)
  console.log('\nfitted weights (log-odds per unit of each feature):')
  for (const k of WEIGHT_KEYS) console.log(`  ${k.padEnd(22)} ${weights[k].toFixed(3)}`)
  console.log('state thresholds:', state)
  console.log('written to server/domain/momentum/shipped-weights.ts: rebuild before evaluating')
  const p = rows.map((_, i) => sigmoid(offset[i]! + x[i]!.reduce((s, v, j) => s + v * w[j]!, 0)))
  console.log(
    `in-sample: AUC ${f3(auc(p, y))}, Brier ${f3(brier(p, y))}; `
    + `stage alone AUC ${f3(auc(offset.map(sigmoid), y))}, Brier ${f3(brier(offset.map(sigmoid), y))}`,
  )
}

// ---------------------------------------------------------------------------------------------

/** A tenant loaded through the API — or, offline, the signals its last run read, scored again here. */
async function tenantFor(baseURL: string | null, seed: number, deals: number, historyDays: number): Promise<Loaded> {
  const tenant = generateTenant({ seed, deals, historyDays })
  if (baseURL === null) {
    const cached = JSON.parse(readFileSync(cacheFile(seed, deals, historyDays), 'utf8')) as {
      signals: DealSignals[]
      alertsFirstRun: number
      eventsPosted: number
    }
    return {
      tenant, alertsFirstRun: cached.alertsFirstRun, eventsPosted: cached.eventsPosted,
      deals: tenant.deals.map((gen, i) => {
        const signals = cached.signals[i]!
        const scored = scoreDeal(signals)
        return { gen, id: signals.dealId, momentum: { ...scored, signals } }
      }),
    }
  }
  const loaded = await loadTenant(baseURL, tenant, `s${seed}`)
  mkdirSync(CACHE, { recursive: true })
  writeFileSync(
    cacheFile(seed, deals, historyDays),
    JSON.stringify({
      signals: loaded.deals.map(d => d.momentum.signals),
      alertsFirstRun: loaded.alertsFirstRun,
      eventsPosted: loaded.eventsPosted,
    }),
  )
  return loaded
}

const server = OFFLINE ? null : await startServer()
try {
  const started = Date.now()
  const loaded: Loaded[] = []
  for (const seed of SEEDS) {
    loaded.push(await tenantFor(server?.baseURL ?? null, seed, DEALS, 120))
    console.log(`seed ${seed}: ${DEALS} deals loaded and scored (${((Date.now() - started) / 1000).toFixed(0)} s)`)
  }
  if (FIT) fitShipped(loaded.flatMap(rowsOf), SEEDS)
  else {
    for (const l of loaded) report(`seed ${l.tenant.seed}`, l)
    printStories(loaded[0]!, 7)
    if (DAY_ONE_SEED !== null) dayOne(await tenantFor(server?.baseURL ?? null, DAY_ONE_SEED, 300, 14))
  }
}
finally {
  await server?.stop()
}
