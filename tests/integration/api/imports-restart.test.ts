import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminQuery, withDatabaseName } from '../../../db/admin'
import { Client, signUp } from '../../support/http'
import { startInstance, type Instance } from '../../support/instance'

/** Where the servers keep uploads (server/domain/imports/sweep.ts). */
const UPLOAD_DIR = join(tmpdir(), 'momentum-uploads')

// On servers of their own: one is stopped and another started on the same database, as after a crash.
const hasPostgres = Boolean(process.env.TEST_DATABASE_URL)
let env: Record<string, string> = {}
let app: Instance | undefined
let cleanup = async () => {}
beforeAll(async () => {
  if (!hasPostgres) return
  const name = `momentum_restart_${randomBytes(5).toString('hex')}`
  await adminQuery(process.env.TEST_DATABASE_URL!, `create database ${name}`)
  env = {
    DATABASE_URL: withDatabaseName(process.env.TEST_DATABASE_URL!, name),
    NUXT_SESSION_PASSWORD: randomBytes(24).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  }
  cleanup = () => adminQuery(process.env.TEST_DATABASE_URL!, `drop database if exists ${name} with (force)`)
})
afterAll(async () => {
  await app?.stop()
  await cleanup()
})

describe.skipIf(!hasPostgres)('an import cut off by a crash', () => {
  it(
    'is failed when a server starts (finished, with why), and its upload and orphaned uploads are removed',
    { timeout: 120_000 },
    async () => {
      app = await startInstance(env)
      const signedUp = await signUp(app.url)
      const admin: Client = signedUp.client
      const id = (
        await admin.upload(
          '/api/v1/imports',
          { kind: 'accounts', mapping: JSON.stringify({ name: 'name' }) },
          { name: 'a.csv', content: 'name\nCrash Co\n' },
        )
      ).body.id as string
      for (let i = 0; i < 50 && (await admin.get(`/api/v1/imports/${id}`)).body.status !== 'done'; i++)
        await new Promise(r => setTimeout(r, 100))
      await app.stop()
      // As the dead process left it: running, its heartbeat minutes old, its upload still on disk; and an upload nobody claimed.
      await adminQuery(
        env.DATABASE_URL!,
        `update imports set status = 'running', finished_at = null, updated_at = now() - interval '10 minutes' where id = '${id}'`,
      )
      await mkdir(UPLOAD_DIR, { recursive: true })
      const upload = join(UPLOAD_DIR, `${id}.upload`)
      const orphan = join(UPLOAD_DIR, `${randomBytes(8).toString('hex')}.tmp`)
      for (const file of [upload, orphan]) await writeFile(file, 'name\nCrash Co\n')
      const old = new Date(Date.now() - 60 * 60_000)
      await utimes(orphan, old, old)

      app = await startInstance(env)
      const again = new Client(app.url)
      await again.login(signedUp.email, signedUp.password)
      let view = (await again.get(`/api/v1/imports/${id}`)).body
      for (let i = 0; i < 50 && !view.finishedAt; i++) {
        await new Promise(r => setTimeout(r, 100))
        view = (await again.get(`/api/v1/imports/${id}`)).body
      }
      expect(view).toMatchObject({
        status: 'failed',
        failure: expect.stringMatching(/^interrupted: the server stopped while importing/),
        finishedAt: expect.any(String),
      })
      expect(existsSync(upload)).toBe(false)
      expect(existsSync(orphan)).toBe(false)
    },
  )
})
