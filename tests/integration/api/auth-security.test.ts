import { readFileSync } from 'node:fs'
import { describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, signUp, unique, type Json } from '../../support/http'
import { subscribe } from '../../support/stripe'

const baseURL = inject('baseURL')
const serverLog = inject('serverLog')

/** Invites someone into the admin's tenant and has them accept: their signed-in client and id. */
async function invited(admin: Client, role: 'rep' | 'manager' | 'admin', password = 'my-own-password') {
  const email = `${unique(role)}@security.test`
  const invite = await admin.post('/api/v1/users', { email, name: `New ${role}`, role })
  if (invite.status !== 201) throw new Error(`invite: ${invite.status} ${JSON.stringify(invite.body)}`)
  const client = new Client(baseURL)
  const accepted = await client.post('/api/auth/invite/accept', { token: invite.body.inviteUrl.split('/invite/')[1], password })
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${JSON.stringify(accepted.body)}`)
  return { client, id: invite.body.id as string, email, password }
}

/** The same session cookie in another client, as someone who copied it would use it. */
const copyOf = (client: Client) => new Client(baseURL, { cookie: client.cookieHeader() })

/** Opens the caller's live stream; `ready` resolves once it is open, `ended` once the server ends it. */
async function openStream(client: Client) {
  const controller = new AbortController()
  const response = await fetch(`${baseURL}/api/v1/stream`, { headers: { cookie: client.cookieHeader() }, signal: controller.signal })
  expect(response.status).toBe(200)
  const reader = response.body!.getReader()
  let text = ''
  let markReady = () => {}
  const ready = new Promise<void>(resolve => (markReady = resolve))
  const ended = (async () => {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return 'ended' as const
      text += new TextDecoder().decode(value)
      if (text.includes('event: ready')) markReady()
    }
  })().catch(() => 'aborted' as const)
  return { ready, ended, text: () => text, close: () => controller.abort() }
}

describe('API keys', () => {
  it('act with their creator\'s current role and access: a demoted creator\'s key works as a rep, '
    + 'a deactivated creator\'s key not at all', async () => {
    const { client: creator, tenant, user } = await signUp(baseURL)
    await subscribe(baseURL, tenant.id)
    const other = await invited(creator, 'admin')
    const theirs = await other.client.post('/api/v1/deals', { name: unique('Their deal'), amount: 1000 })
    expect(theirs.status).toBe(201)
    const key = (await creator.post('/api/v1/api-keys', { name: 'integration', scopes: ['read', 'write'] })).body.key as string
    const bearer = new Client(baseURL, { authorization: `Bearer ${key}` })
    const dealIds = async () => ((await bearer.get('/api/v1/deals?limit=100')).body.data as Json[]).map(d => d.id)
    expect((await bearer.get('/api/v1/admin/tasks')).status).toBe(200)
    expect(await dealIds()).toContain(theirs.body.id)

    expect((await other.client.patch(`/api/v1/users/${user.id}`, { role: 'rep' })).status).toBe(200)
    expect((await bearer.get('/api/v1/admin/tasks')).status).toBe(403)
    expect(await dealIds()).not.toContain(theirs.body.id)
    expect((await bearer.post('/api/v1/users', { email: `${unique('k')}@x.test`, name: 'K', role: 'admin' })).status).toBe(403)

    expect((await other.client.patch(`/api/v1/users/${user.id}`, { active: false })).status).toBe(200)
    expect((await bearer.get('/api/v1/deals')).status).toBe(401)
  })
})

describe('sessions', () => {
  it('end at sign-out everywhere: a copy of the cookie saved before sign-out is refused after it', async () => {
    const { client } = await signUp(baseURL)
    const saved = copyOf(client)
    expect((await saved.get('/api/auth/me')).status).toBe(200)
    expect((await client.post('/api/auth/logout')).status).toBe(204)
    expect((await saved.get('/api/auth/me')).status).toBe(401)
    expect((await saved.get('/api/v1/deals')).status).toBe(401)
  })

  it('expire at most 12 hours after sign-in (the cookie says so)', async () => {
    const { email, password } = await signUp(baseURL)
    const answer = await new Client(baseURL).post('/api/auth/login', { email, password })
    const expires = Date.parse(/expires=([^;]+)/i.exec(answer.headers.getSetCookie()[0]!)?.[1] ?? '')
    expect(expires - Date.now()).toBeGreaterThan(11 * 3600_000)
    expect(expires - Date.now()).toBeLessThanOrEqual(12 * 3600_000 + 60_000)
  })

  it('of a deactivated user stay ended when they are reactivated; they sign in anew', async () => {
    const { client: admin } = await signUp(baseURL)
    const rep = await invited(admin, 'rep')
    const saved = copyOf(rep.client)
    expect((await admin.patch(`/api/v1/users/${rep.id}`, { active: false })).status).toBe(200)
    expect((await admin.patch(`/api/v1/users/${rep.id}`, { active: true })).status).toBe(200)
    expect((await saved.get('/api/auth/me')).status).toBe(401)
    expect((await rep.client.get('/api/v1/deals')).status).toBe(401)
    const again = await new Client(baseURL).login(rep.email, rep.password)
    expect((await again.get('/api/auth/me')).status).toBe(200)
  })

  it('end when the user\'s role changes; signing in again gives the new role', async () => {
    const { client: admin } = await signUp(baseURL)
    const rep = await invited(admin, 'rep')
    expect((await admin.patch(`/api/v1/users/${rep.id}`, { role: 'manager' })).status).toBe(200)
    expect((await rep.client.get('/api/auth/me')).status).toBe(401)
    const again = await new Client(baseURL).login(rep.email, rep.password)
    expect((await again.get('/api/auth/me')).body.user.role).toBe('manager')
  })
})

describe('the live stream', () => {
  it('ends within seconds when its caller is deactivated', async () => {
    const { client: admin } = await signUp(baseURL)
    const rep = await invited(admin, 'rep')
    const stream = await openStream(rep.client)
    await stream.ready
    expect((await admin.patch(`/api/v1/users/${rep.id}`, { active: false })).status).toBe(200)
    const outcome = await Promise.race([stream.ended, new Promise(resolve => setTimeout(() => resolve('still open'), 4000))])
    stream.close()
    expect(outcome).toBe('ended')
  })

  it('gives a rep events on their own deals and none about another rep\'s records', async () => {
    const [, , riley, sam] = DEMO_LOGINS
    const rep = await new Client(baseURL).login(riley.email, DEMO_PASSWORD)
    const other = await new Client(baseURL).login(sam.email, DEMO_PASSWORD)
    const mine = ((await rep.get('/api/v1/deals?limit=1')).body.data as Json[])[0]
    const contact = await other.post('/api/v1/contacts', { firstName: 'Only', lastName: unique('Sams') })
    expect(contact.status).toBe(201)
    const stream = await openStream(rep)
    await stream.ready
    expect((await other.post('/api/v1/activities', { type: 'note', contactId: contact.body.id, body: 'not for Riley' })).status).toBe(201)
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(stream.text()).not.toContain('event: event.created')
    expect((await rep.post('/api/v1/activities', { type: 'note', dealId: mine.id, body: 'for Riley' })).status).toBe(201)
    await expect.poll(() => stream.text(), { timeout: 3000 }).toContain(mine.id)
    stream.close()
    const events = stream.text().split('\n\n').filter(block => block.includes('event: event.created'))
    expect(events).toHaveLength(1)
  })
})

describe('the sign-in limit', () => {
  it('holds against 30 parallel guesses: no more passwords are checked than it allows, and then the right one waits too', async () => {
    const { email, password } = await signUp(baseURL)
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => new Client(baseURL).post('/api/auth/login', { email, password: `wrong-password-${i}` })),
    )
    const statuses = guesses.map(g => g.status)
    expect(statuses.filter(s => s === 401)).toHaveLength(5)
    expect(statuses.filter(s => s === 429)).toHaveLength(25)
    const right = await Promise.all(Array.from({ length: 10 }, () => new Client(baseURL).post('/api/auth/login', { email, password })))
    expect(right.map(r => r.status)).toEqual(Array.from({ length: 10 }, () => 429))
  })
})

describe('the last admin', () => {
  it('stays when two admins demote each other at the same moment', async () => {
    for (let round = 0; round < 6; round++) {
      const { client: first, user } = await signUp(baseURL)
      const second = await invited(first, 'admin')
      const answers = await Promise.all([
        first.patch(`/api/v1/users/${second.id}`, { role: 'rep' }),
        second.client.patch(`/api/v1/users/${user.id}`, { role: 'rep' }),
      ])
      expect(answers.map(a => a.status).sort()).not.toContain(500)
      const admins = (
        (await new Client(baseURL).login(second.email, second.password).then(c => c.get('/api/v1/users'))).body.data as Json[]
      ).filter(u => u.role === 'admin' && u.active)
      expect(admins.length, `round ${round}: ${answers.map(a => a.status)}`).toBeGreaterThanOrEqual(1)
    }
  })
})

describe('sign-up', () => {
  it('answers ten parallel sign-ups with one email with one 201 and nine 409s, logging neither the email nor a password hash', async () => {
    const email = `${unique('twice')}@parallel.test`
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      new Client(baseURL).post('/api/auth/signup', { orgName: `Parallel ${i}`, name: 'P', email, password: 'parallel-sign-up-pass' })))
    expect(answers.map(a => a.status).sort()).toEqual([201, ...Array.from({ length: 9 }, () => 409)])
    await new Promise(resolve => setTimeout(resolve, 500))
    const log = readFileSync(serverLog, 'utf8')
    expect(log).not.toContain(email)
    expect(log).not.toMatch(/scrypt\$\d+\$/)
  })

  it('does not say whether an email has an account when it is taken', async () => {
    const { email } = await signUp(baseURL)
    const again = await new Client(baseURL).post('/api/auth/signup', { orgName: 'Twice', name: 'T', email, password: 'a-good-password' })
    expect(again.status).toBe(409)
    expect(JSON.stringify(again.body)).not.toMatch(/already (has|registered)|exists|is taken/i)
    expect(again.body.data.issues.map((i: Json) => i.path)).toEqual(['email'])
  })

  it('refuses passwords that are only spaces, one character repeated or common, naming the field, '
    + 'at sign-up and when accepting an invitation', async () => {
    for (const password of [' '.repeat(12), 'aaaaaaaaaa', 'password12', 'qwertyuiop']) {
      const answer = await new Client(baseURL).post('/api/auth/signup', {
        orgName: 'Weak',
        name: 'W',
        email: `${unique('weak')}@weak.test`,
        password,
      })
      expect(answer.status, JSON.stringify(password)).toBe(400)
      expect(answer.body.data.issues.map((i: Json) => i.path)).toEqual(['password'])
    }
    const { client: admin } = await signUp(baseURL)
    const invite = await admin.post('/api/v1/users', { email: `${unique('weak')}@weak.test`, name: 'Weak', role: 'rep' })
    const token = invite.body.inviteUrl.split('/invite/')[1]
    const weak = await new Client(baseURL).post('/api/auth/invite/accept', { token, password: 'password12' })
    expect(weak.status).toBe(400)
    expect(weak.body.data.issues.map((i: Json) => i.path)).toEqual(['password'])
    expect((await new Client(baseURL).post('/api/auth/invite/accept', { token, password: 'a-less-guessable-one' })).status).toBe(200)
  })
})
