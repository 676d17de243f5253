import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { freePort } from './server'

export interface Instance {
  url: string
  process: ChildProcess
  /** Everything the server printed so far. */
  output: () => string
  stop: () => Promise<void>
}

/**
 * Another built server (the integration setup built `.output`), for tests that need one of
 * their own: a database reached through a proxy they can cut, a local Stripe they can take
 * down, limits set low. `env` adds to a production-like environment without demo data.
 */
export async function startInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort()
  let output = ''
  const child = spawn(process.execPath, ['.output/server/index.mjs'], {
    env: {
      ...process.env as Record<string, string>,
      NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), NUXT_SEED_DEMO: '0',
      NUXT_SESSION_PASSWORD: randomBytes(24).toString('hex'), ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '', WEBHOOK_RATE_LIMIT: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${output.slice(-2000)}`)
    if (await fetch(`${url}/api/health`).then(r => r.ok, () => false)) break
    if (Date.now() > deadline) throw new Error(`the server did not become healthy: ${output.slice(-2000)}`)
    await new Promise(resolve => setTimeout(resolve, 250))
  }
  return {
    url,
    process: child,
    output: () => output,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    }),
  }
}
