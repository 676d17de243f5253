import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminQuery, withDatabaseName } from '../../../db/admin'
import { Client, signUp, unique } from '../../support/http'
import { startInstance, type Instance } from '../../support/instance'

// On a server of its own: every caller of the shared test server comes from 127.0.0.1, and
// making that address busy would change what the other tests see.
let app: Instance
let cleanup = async () => {}
beforeAll(async () => {
  const env: Record<string, string> = {}
  if (process.env.TEST_DATABASE_URL) {
    const name = `momentum_signin_${randomBytes(5).toString('hex')}`
    await adminQuery(process.env.TEST_DATABASE_URL, `create database ${name}`)
    env.DATABASE_URL = withDatabaseName(process.env.TEST_DATABASE_URL, name)
    cleanup = () => adminQuery(process.env.TEST_DATABASE_URL!, `drop database if exists ${name} with (force)`)
  }
  else {
    const dir = mkdtempSync(join(tmpdir(), 'momentum-signin-'))
    Object.assign(env, { DATABASE_URL: '', PGLITE_DIR: join(dir, 'pglite') })
    cleanup = async () => rmSync(dir, { recursive: true, force: true })
  }
  app = await startInstance(env)
}, 120_000)
afterAll(async () => {
  await app?.stop()
  await cleanup()
})

const login = (email: string, password: string) => new Client(app.url).post('/api/auth/login', { email, password })

describe('sign-in from an address many sign-ins failed from', () => {
  it('still lets its valid users in, and holds each other account tried from there to one guess a window', async () => {
    const valid = await signUp(app.url)
    const guessed = await signUp(app.url)
    // 120 failures from 127.0.0.1, for as many unknown accounts: the address is busy now.
    for (let batch = 0; batch < 12; batch++) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => login(`${unique('nobody')}@spray.test`, 'wrong-password')))
      expect(answers.every(a => a.status === 401 || a.status === 429)).toBe(true)
    }

    // A valid user behind the address signs in with the right password.
    expect((await login(valid.email, valid.password)).status).toBe(200)
    // Another account gets one guess from the busy address, then waits.
    expect((await login(guessed.email, 'wrong-password')).status).toBe(401)
    const held = await login(guessed.email, guessed.password)
    expect(held.status).toBe(429)
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(0)
  }, 120_000)
})
