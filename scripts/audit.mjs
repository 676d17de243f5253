// npm run audit — the production dependencies' known vulnerabilities (`npm audit --omit=dev
// --audit-level=high`): fails on a high or critical one. When the registry's audit endpoint
// cannot be reached or refuses the request (a mirror that serves packages only answers 405),
// it says loudly that NO AUDIT WAS DONE and exits 0, or 1 with AUDIT_REQUIRED=1.
import { spawnSync } from 'node:child_process'

const run = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8', timeout: 120_000 })
let report = null
try {
  report = JSON.parse(run.stdout || 'null')
}
catch { /* not JSON: handled below */ }

const counts = report?.metadata?.vulnerabilities
if (counts) {
  const serious = (counts.high ?? 0) + (counts.critical ?? 0)
  const summary = Object.entries(counts).filter(([k]) => k !== 'total').map(([k, v]) => `${v} ${k}`).join(', ')
  if (serious > 0) {
    console.error(`dependency audit: ${serious} high or critical vulnerabilities in production dependencies (${summary})`)
    for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
      if (v.severity === 'high' || v.severity === 'critical') console.error(`  ${v.severity.padEnd(8)} ${name} ${v.range ?? ''}`)
    }
    console.error('run `npm audit --omit=dev` for the advisories and fixes')
    process.exit(1)
  }
  console.log(`dependency audit: no high or critical vulnerabilities in production dependencies (${summary || 'none found'})`)
  process.exit(0)
}

const why = report?.message ?? report?.error?.summary ?? (run.error ? run.error.message : (run.stderr || '').trim().split('\n').pop())
const banner = '!'.repeat(78)
console.warn([banner, 'DEPENDENCY AUDIT NOT PERFORMED: the npm registry\'s audit endpoint could not be used.', `  ${why || 'no answer'}`,
  'Nothing is known about vulnerabilities in this run. Run `npm audit --omit=dev --audit-level=high`',
  'where the public registry\'s audit endpoint is reachable.', banner].join('\n'))
process.exit(process.env.AUDIT_REQUIRED === '1' ? 1 : 0)
