import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminQuery, withDatabaseName } from '../../db/admin'
import { Client, signUp, unique } from '../support/http'
import { startInstance, type Instance } from '../support/instance'

// Two server processes on one database, sharing the session key, as behind a load balancer: each
// keeps signed-in callers and dashboards in memory, and a change made through one must reach the
// other through the bus (Postgres NOTIFY) before it serves anything stale.
const serverUrl = process.env.TEST_DATABASE_URL

describe.skipIf(!serverUrl)('two server processes', () => {
  const name = `momentum_callers_${randomBytes(5).toString('hex')}`
  const sessionPassword = randomBytes(24).toString('hex')
  let a: Instance
  let b: Instance
  beforeAll(async () => {
    await adminQuery(serverUrl!, `create database ${name}`)
    const env = { DATABASE_URL: withDatabaseName(serverUrl!, name), NUXT_SESSION_PASSWORD: sessionPassword }
    a = await startInstance(env)
    b = await startInstance(env)
  })
  afterAll(async () => {
    await a?.stop()
    await b?.stop()
    await adminQuery(serverUrl!, `drop database if exists ${name} with (force)`)
  })

  it('refuse a user deactivated through the other process, and end their session there at a role change, at once', async () => {
    const { client: adminOnA } = await signUp(a.url)
    const email = `${unique('rep')}@two-processes.test`
    const invite = (await adminOnA.post('/api/v1/users', { email, name: 'Two Places', role: 'rep' })).body
    const onA = new Client(a.url)
    await onA.post('/api/auth/invite/accept', { token: invite.inviteUrl.split('/invite/')[1], password: 'my-own-password' })
    // The same session cookie on the other process.
    const onB = new Client(b.url, { cookie: onA.cookieHeader() })
    expect((await onB.get('/api/v1/dashboard')).status).toBe(200)
    expect((await onB.get('/api/v1/dashboard')).headers.get('x-momentum-cache')).toBe('hit')
    expect((await onB.get('/api/v1/momentum/calibration')).status).toBe(403) // reps may not

    // A role change ends the user's sessions (their session version moves on): signed in again, they have the new role.
    expect((await adminOnA.patch(`/api/v1/users/${invite.id}`, { role: 'manager' })).status).toBe(200)
    await expect.poll(async () => (await onB.get('/api/v1/momentum/calibration')).status, { timeout: 2000 }).toBe(401)
    const again = await new Client(b.url).login(email, 'my-own-password')
    expect((await again.get('/api/v1/momentum/calibration')).status).toBe(200)
    const againOnA = new Client(a.url, { cookie: again.cookieHeader() })
    expect((await againOnA.get('/api/v1/dashboard')).status).toBe(200)

    expect((await adminOnA.patch(`/api/v1/users/${invite.id}`, { active: false })).status).toBe(200)
    await expect.poll(async () => (await again.get('/api/v1/dashboard')).status, { timeout: 2000 }).toBe(401)
  })

  it('refuse a session ended through the other process at once, also while it is cached there', async () => {
    const { email, password } = await signUp(a.url)
    const onA = await new Client(a.url).login(email, password)
    const elsewhere = await new Client(a.url).login(email, password)
    const onB = new Client(b.url, { cookie: elsewhere.cookieHeader() })
    expect((await onB.get('/api/v1/deals')).status).toBe(200)
    expect((await onB.get('/api/v1/deals')).status).toBe(200) // now a cached caller on B
    const theirs = (await elsewhere.get('/api/v1/me/sessions')).body.data.find((s: { current: boolean }) => s.current).id
    expect((await onA.delete(`/api/v1/me/sessions/${theirs}`)).status).toBe(204)
    await expect.poll(async () => (await onB.get('/api/v1/deals')).status, { timeout: 2000 }).toBe(401)
    expect((await new Client(b.url, { cookie: onA.cookieHeader() }).get('/api/v1/deals')).status).toBe(200)
  })
})
