// npm run bench — every benchmark, one after another, each in its own process as
// `npm run bench:<name>` runs it, with the scale data set loaded once: bench:momentum loads it and
// keeps it (BENCH_KEEP=1), bench:activity reuses and keeps it, bench:dashboard reuses it and drops it. The server is built once
// first. Ends with one table of every target, PASS or FAIL, written to bench/results/summary.json;
// exits 1 when a target failed or a benchmark did not finish.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { Target } from './lib'

const STEPS: { name: string, env: Record<string, string> }[] = [
  { name: 'ingest', env: {} },
  { name: 'import', env: {} },
  { name: 'momentum', env: { BENCH_KEEP: '1' } },
  { name: 'activity', env: { BENCH_REUSE: '1', BENCH_KEEP: '1' } },
  { name: 'dashboard', env: {} },
  { name: 'ui', env: {} },
]
const only = process.env.BENCH_ONLY?.split(',')
const started = Date.now()

if (!existsSync('.output/server/index.mjs') || process.env.BENCH_BUILD === '1') {
  const build = spawnSync('npx', ['nuxt', 'build'], { stdio: 'inherit' })
  if (build.status !== 0) throw new Error('nuxt build failed')
}

interface Result { name: string, at: string, machine: Record<string, unknown>, targets: Target[] }
const steps: { name: string, seconds: number, exit: number | null, result: Result | null }[] = []
for (const step of STEPS.filter(s => !only || only.includes(s.name))) {
  const at = Date.now()
  console.log(`\n=== bench:${step.name} ===`)
  const run = spawnSync('npx', ['tsx', `bench/${step.name}.ts`], {
    stdio: 'inherit',
    env: { ...process.env, ...step.env, BENCH_BUILD: '0' },
  })
  const file = `bench/results/${step.name}.json`
  const result = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Result : null
  steps.push({
    name: step.name,
    seconds: (Date.now() - at) / 1000,
    exit: run.status,
    result: result && Date.parse(result.at) >= at ? result : null,
  })
}

const rows = steps.flatMap(s =>
  s.result && s.exit === 0
    ? s.result.targets.map(t => ({
        benchmark: s.name,
        target: t.name,
        value: `${t.value.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${t.unit}`,
        goal: t.target,
        result: t.pass ? 'PASS' : 'FAIL',
      }))
    : [{ benchmark: s.name, target: `did not finish (exit ${s.exit})`, value: '', goal: '', result: 'FAIL' }],
)
const seconds = (Date.now() - started) / 1000
console.log(`\nsummary: ${steps.map(s => `${s.name} ${Math.round(s.seconds)} s`).join(', ')}; ${Math.round(seconds)} s in all`)
console.table(rows)
const machine = steps.find(s => s.result)?.result?.machine
if (machine) console.log(`machine: ${JSON.stringify(machine)}`)
writeFileSync(
  'bench/results/summary.json',
  JSON.stringify(
    {
      at: new Date(started).toISOString(),
      seconds,
      machine,
      steps: steps.map(s => ({ name: s.name, seconds: s.seconds, exit: s.exit })),
      rows,
    },
    null,
    2,
  ),
)
const failed = rows.filter(r => r.result === 'FAIL').length
console.log(failed ? `${failed} of ${rows.length} targets FAILED` : `all ${rows.length} targets PASS`)
process.exitCode = failed ? 1 : 0
