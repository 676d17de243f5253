import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { adminQuery, withDatabaseName } from '../../db/admin'
import { serveSink, startSmtpSink } from './smtp'
import { startStripeMock } from './stripe-mock'
import { WEBHOOK_SECRET } from './stripe'
import { DEMO_PASSWORD } from '../../server/domain/demo/seed'

/** The secrets that occur in a log text. */
export const leakedSecrets = (text: string, secrets: string[]) => secrets.filter(secret => text.includes(secret))

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string
    /** Integration project only: the local Stripe API the server talks to. */
    stripeMockURL: string
    /** What the server's SMTP server received (`GET` lists, `DELETE` clears), in both projects. */
    smtpSinkURL: string
    /** The file the server's stdout and stderr are written to (the log tests read it). */
    serverLog: string
    /** The server's database URL on TEST_DATABASE_URL's server; '' on PGlite (held by the server). */
    databaseURL: string
  }
}

const STAMP = '.output/.test-build'

/** `nuxt build` once per test run: the integration and e2e projects share the build. */
function buildOnce() {
  if (process.env.E2E_REUSE_BUILD === '1' && existsSync('.output/server/index.mjs')) return
  const stamp = existsSync(STAMP) ? readFileSync(STAMP, 'utf8') : ''
  if (stamp === String(process.pid)) return
  const build = spawnSync('npx', ['nuxt', 'build'], { stdio: 'inherit' })
  if (build.status !== 0) throw new Error('nuxt build failed')
  writeFileSync(STAMP, String(process.pid))
}

export async function freePort() {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

async function waitForHealth(url: string, server: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`)
    try {
      const response = await fetch(`${url}/api/health`)
      if (response.ok) return
    }
    catch { /* not listening yet */ }
    await new Promise(resolve => setTimeout(resolve, 500))
  }
  throw new Error(`the server did not become healthy in ${timeoutMs} ms`)
}

/**
 * A vitest global setup: builds the app once (E2E_REUSE_BUILD=1 reuses .output), starts the
 * built server on a fresh database seeded with the demo data — a new database on
 * TEST_DATABASE_URL's server when it is set, else an embedded PGlite in a temporary folder —
 * and gives the tests its URL as `inject('baseURL')`.
 */
export default async function setup(project: TestProject) {
  buildOnce()
  const port = await freePort()
  const env: Record<string, string> = {
    ...process.env as Record<string, string>,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    NUXT_SESSION_PASSWORD: randomBytes(24).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    NUXT_SEED_DEMO: '1',
    // The tests' local Salesforce (tests/support/salesforce-mock.ts) speaks http on 127.0.0.1.
    SALESFORCE_ALLOW_INSECURE_URLS: '1',
    // The tests' OpenID provider (tests/support/oidc.ts) is an http issuer on 127.0.0.1.
    SSO_ALLOW_INSECURE_ISSUERS: '1',
    // Every test file shares this server and 127.0.0.1: the webhook limits are tested on a server of their own.
    WEBHOOK_RATE_LIMIT: 'connection:100000,address:100000',
  }
  let cleanup = async () => {}
  // The integration server bills through a local Stripe; the e2e one runs with billing off.
  if (project.name === 'integration') {
    const stripe = await startStripeMock()
    Object.assign(env, {
      STRIPE_SECRET_KEY: 'sk_test_momentum_local', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_HOST: '127.0.0.1', STRIPE_API_PORT: String(stripe.port), STRIPE_API_PROTOCOL: 'http',
    })
    project.provide('stripeMockURL', stripe.url)
    // Private webhook targets for the local receivers.
    Object.assign(env, { WEBHOOKS_ALLOW_PRIVATE: '1' })
    const previous = cleanup
    cleanup = async () => {
      await previous()
      await stripe.close()
    }
  }
  {
    // A real SMTP server for both projects: reminders, digests, sequences and password reset links.
    const smtp = await startSmtpSink()
    const sink = await serveSink(smtp)
    Object.assign(env, { SMTP_URL: smtp.url, SMTP_FROM: 'crm@momentum.test' })
    project.provide('smtpSinkURL', sink.url)
    const previous = cleanup
    cleanup = async () => {
      await previous()
      await sink.close()
      await smtp.close()
    }
  }
  project.provide('databaseURL', '')
  if (process.env.TEST_DATABASE_URL) {
    const name = `momentum_e2e_${randomBytes(6).toString('hex')}`
    await adminQuery(process.env.TEST_DATABASE_URL, `create database ${name}`)
    env.DATABASE_URL = withDatabaseName(process.env.TEST_DATABASE_URL, name)
    project.provide('databaseURL', env.DATABASE_URL)
    const previous = cleanup
    cleanup = async () => {
      await previous()
      await adminQuery(process.env.TEST_DATABASE_URL!, `drop database if exists ${name} with (force)`)
    }
  }
  else {
    const dir = mkdtempSync(join(tmpdir(), 'momentum-e2e-'))
    delete env.DATABASE_URL
    env.PGLITE_DIR = join(dir, 'pglite')
    const previous = cleanup
    cleanup = async () => {
      await previous()
      rmSync(dir, { recursive: true, force: true })
    }
  }
  // The server's output goes to the console and to a file, which the log tests search for secrets.
  mkdirSync('.output/test-logs', { recursive: true })
  const serverLog = join(process.cwd(), `.output/test-logs/${project.name}-server.log`)
  const log = createWriteStream(serverLog)
  const server = spawn(process.execPath, ['.output/server/index.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  server.stdout!.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk)
    log.write(chunk)
  })
  server.stderr!.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk)
    log.write(chunk)
  })
  project.provide('serverLog', serverLog)
  let stopping = false
  server.once('exit', (code, signal) => {
    if (!stopping) console.error(`[test server] exited unexpectedly: code ${code}, signal ${signal}`)
  })
  const secrets = [env.NUXT_SESSION_PASSWORD!, env.ENCRYPTION_KEY!, DEMO_PASSWORD, env.STRIPE_WEBHOOK_SECRET, env.STRIPE_SECRET_KEY].filter(
    Boolean,
  ) as string[]
  const baseURL = `http://127.0.0.1:${port}`
  try {
    await waitForHealth(baseURL, server, 120_000)
  }
  catch (error) {
    server.kill()
    await cleanup()
    throw error
  }
  project.provide('baseURL', baseURL)
  return async () => {
    stopping = true
    server.kill('SIGTERM')
    await new Promise(resolve => server.exitCode === null && server.signalCode === null ? server.once('exit', resolve) : resolve(null))
    await new Promise(resolve => log.end(resolve))
    await cleanup()
    // The whole run's output, once more: no credential the server was given or seeded may appear in it.
    const leaked = leakedSecrets(readFileSync(serverLog, 'utf8'), secrets)
    if (leaked.length)
      throw new Error(`the server logged ${leaked.length} secret(s) (see ${serverLog}): ${leaked.map(s => `${s.slice(0, 4)}…`).join(', ')}`)
  }
}
