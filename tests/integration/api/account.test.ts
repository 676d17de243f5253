import pg from 'pg'
import { describe, expect, inject, it } from 'vitest'
import { Client, signUp, unique, type Json } from '../../support/http'

const baseURL = inject('baseURL')
const smtpSinkURL = inject('smtpSinkURL')
const databaseURL = inject('databaseURL')

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0'

const mailTo = async (address: string) => ((await (await fetch(smtpSinkURL)).json()) as Json[]).filter(m => m.to.includes(address))

/** The reset links mailed to `address`, oldest first, once `count` have arrived. */
async function resetTokens(address: string, count = 1): Promise<string[]> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const tokens = (await mailTo(address))
      .map(m => /\/reset-password\?token=([\w%-]+)/.exec(m.text)?.[1])
      .filter((t): t is string => Boolean(t))
      .map(decodeURIComponent)
    if (tokens.length >= count) return tokens
    if (Date.now() > deadline) throw new Error(`expected ${count} reset emails to ${address}, got ${tokens.length}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** Invites someone into the admin's tenant, who accepts: their signed-in client, id, email and password. */
async function member(admin: Client, agent = CHROME) {
  const email = `${unique('member')}@account.test`
  const invite = await admin.post('/api/v1/users', { email, name: 'Member', role: 'rep' })
  const client = new Client(baseURL, { 'user-agent': agent })
  const token = invite.body.inviteUrl.split('/invite/')[1]
  const accepted = await client.post('/api/auth/invite/accept', { token, password: 'my-own-password' })
  expect(accepted.status).toBe(200)
  return { client, id: invite.body.id as string, email, password: 'my-own-password' }
}

const signedInAgain = (email: string, password: string, agent = FIREFOX) =>
  new Client(baseURL, { 'user-agent': agent }).login(email, password)

describe('forgot password', () => {
  it('answers 202 and the same body whether or not the email has an account; only the account gets a link', async () => {
    const { email } = await signUp(baseURL)
    const nobody = `${unique('nobody')}@account.test`
    const known = await new Client(baseURL).post('/api/auth/password/forgot', { email })
    const unknown = await new Client(baseURL).post('/api/auth/password/forgot', { email: nobody })
    expect(known.status).toBe(202)
    expect(unknown.status).toBe(202)
    expect(known.body).toEqual(unknown.body)
    expect(known.body.message).toBe('If an account exists for that email, a link is on its way.')
    const [token] = await resetTokens(email)
    expect(token!.length).toBeGreaterThan(30)
    const [mail] = await mailTo(email)
    expect(mail.text).toContain(`${baseURL}/reset-password?token=`)
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(await mailTo(nobody)).toEqual([])
  })

  it('is rate limited per email like sign-in: 429 with Retry-After', async () => {
    const email = `${unique('often')}@account.test`
    const answers = []
    for (let i = 0; i < 6; i++) answers.push(await new Client(baseURL).post('/api/auth/password/forgot', { email }))
    expect(answers.map(a => a.status)).toEqual([202, 202, 202, 202, 202, 429])
    expect(Number(answers[5]!.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})

describe('password reset', () => {
  it('sets the new password, ends every session of the user, and the link works once', async () => {
    const { client: admin } = await signUp(baseURL)
    const person = await member(admin)
    const other = await signedInAgain(person.email, person.password)
    expect((await person.client.get('/api/v1/me/sessions')).body.data).toHaveLength(2)
    expect((await new Client(baseURL).post('/api/auth/password/forgot', { email: person.email })).status).toBe(202)
    const [token] = await resetTokens(person.email)

    const weak = await new Client(baseURL).post('/api/auth/password/reset', { token, password: 'password12' })
    expect(weak.status).toBe(400)
    expect(weak.body.data.issues.map((i: Json) => i.path)).toEqual(['password'])

    const reset = await new Client(baseURL).post('/api/auth/password/reset', { token, password: 'a-brand-new-secret' })
    expect(reset.status).toBe(204)
    expect((await person.client.get('/api/v1/deals')).status).toBe(401)
    expect((await other.get('/api/auth/me')).status).toBe(401)
    expect((await new Client(baseURL).post('/api/auth/login', { email: person.email, password: person.password })).status).toBe(401)
    const again = await signedInAgain(person.email, 'a-brand-new-secret')
    expect((await again.get('/api/auth/me')).status).toBe(200)

    const reused = await new Client(baseURL).post('/api/auth/password/reset', { token, password: 'yet-another-secret' })
    expect(reused.status).toBe(400)
    expect(reused.body.data.issues.map((i: Json) => i.path)).toEqual(['token'])
    expect((await admin.get('/api/v1/audit')).body.data.map((e: Json) => e.action)).toEqual(
      expect.arrayContaining(['auth.password_reset_requested', 'auth.password_reset']),
    )
  })

  it('refuses an unknown link, naming the token', async () => {
    const answer = await new Client(baseURL).post('/api/auth/password/reset', { token: 'x'.repeat(43), password: 'a-brand-new-secret' })
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues.map((i: Json) => i.path)).toEqual(['token'])
  })

  it.skipIf(!databaseURL)('refuses a link older than an hour', async () => {
    const { email, password } = await signUp(baseURL)
    await new Client(baseURL).post('/api/auth/password/forgot', { email })
    const [token] = await resetTokens(email)
    const db = new pg.Client({ connectionString: databaseURL })
    await db.connect()
    try {
      await db.query(`update password_resets
        set created_at = created_at - interval '61 minutes', expires_at = expires_at - interval '61 minutes'
        where user_id = (select id from users where lower(email) = $1)`, [email])
    }
    finally {
      await db.end()
    }
    const answer = await new Client(baseURL).post('/api/auth/password/reset', { token, password: 'a-brand-new-secret' })
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues.map((i: Json) => i.path)).toEqual(['token'])
    expect((await new Client(baseURL).post('/api/auth/login', { email, password })).status).toBe(200)
  })
})

describe('password change', () => {
  it('needs the current password, ends the user\'s other sessions and keeps this one', async () => {
    const { client: admin } = await signUp(baseURL)
    const person = await member(admin)
    const other = await signedInAgain(person.email, person.password)
    const change = (body: Json, client = person.client) => client.post('/api/auth/password/change', body)
    const wrong = await change({ currentPassword: 'not-it-at-all', password: 'a-brand-new-secret' })
    expect(wrong.status).toBe(400)
    expect(wrong.body.data.issues.map((i: Json) => i.path)).toEqual(['currentPassword'])
    expect((await other.get('/api/auth/me')).status).toBe(200)

    const changed = await change({ currentPassword: person.password, password: 'a-brand-new-secret' })
    expect(changed.status).toBe(204)
    expect((await person.client.get('/api/v1/deals')).status).toBe(200)
    expect((await other.get('/api/v1/deals')).status).toBe(401)
    const sessions = (await person.client.get('/api/v1/me/sessions')).body.data
    expect(sessions).toHaveLength(1)
    expect(sessions[0].current).toBe(true)
    expect((await signedInAgain(person.email, 'a-brand-new-secret').then(c => c.get('/api/auth/me'))).status).toBe(200)
  })

  it('is for signed-in people: 401 without a session', async () => {
    const body = { currentPassword: 'whatever', password: 'a-brand-new-secret' }
    const answer = await new Client(baseURL).post('/api/auth/password/change', body)
    expect(answer.status).toBe(401)
  })
})

describe('sessions in My account', () => {
  it('lists the caller\'s active sessions with device, address and times, and ends another one: its next request is 401', async () => {
    const { client: admin } = await signUp(baseURL)
    const person = await member(admin)
    const other = await signedInAgain(person.email, person.password)
    const listed = await person.client.get('/api/v1/me/sessions')
    expect(listed.status).toBe(200)
    const [current, second] = [listed.body.data.find((s: Json) => s.current), listed.body.data.find((s: Json) => !s.current)]
    expect(current).toMatchObject({ device: 'Chrome on Linux', ip: '127.0.0.1', current: true })
    expect(second).toMatchObject({ device: 'Firefox on Windows', current: false })
    expect(Date.parse(current.createdAt)).toBeGreaterThan(Date.now() - 60_000)
    expect(Date.parse(current.lastSeenAt)).toBeGreaterThan(Date.now() - 60_000)

    expect((await person.client.delete(`/api/v1/me/sessions/${second.id}`)).status).toBe(204)
    expect((await other.get('/api/v1/deals')).status).toBe(401)
    expect((await person.client.get('/api/v1/deals')).status).toBe(200)
    expect((await person.client.get('/api/v1/me/sessions')).body.data.map((s: Json) => s.id)).toEqual([current.id])
  })

  it('answers 404 for another user\'s session, and leaves it going', async () => {
    const { client: admin } = await signUp(baseURL)
    const person = await member(admin)
    const theirs = (await person.client.get('/api/v1/me/sessions')).body.data[0].id
    expect((await admin.delete(`/api/v1/me/sessions/${theirs}`)).status).toBe(404)
    expect((await admin.delete(`/api/v1/me/sessions/${crypto.randomUUID()}`)).status).toBe(404)
    expect((await person.client.get('/api/v1/deals')).status).toBe(200)
  })

  it('ends at sign-out this session only: a copy of its cookie is refused, the user\'s other session goes on', async () => {
    const { client: admin } = await signUp(baseURL)
    const person = await member(admin)
    const other = await signedInAgain(person.email, person.password)
    const copy = new Client(baseURL, { cookie: person.client.cookieHeader() })
    expect((await person.client.post('/api/auth/logout')).status).toBe(204)
    expect((await copy.get('/api/auth/me')).status).toBe(401)
    expect((await other.get('/api/auth/me')).status).toBe(200)
  })
})

describe('the live stream of an ended session', () => {
  it('ends within seconds when the session is ended from another device', async () => {
    const { client: admin } = await signUp(baseURL)
    const person = await member(admin)
    const other = await signedInAgain(person.email, person.password)
    const controller = new AbortController()
    const response = await fetch(`${baseURL}/api/v1/stream`, { headers: { cookie: other.cookieHeader() }, signal: controller.signal })
    expect(response.status).toBe(200)
    const reader = response.body!.getReader()
    let text = ''
    const ended = (async () => {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return 'ended'
        text += new TextDecoder().decode(value)
      }
    })().catch(() => 'aborted')
    await expect.poll(() => text, { timeout: 5000 }).toContain('event: ready')
    const theirs = (await other.get('/api/v1/me/sessions')).body.data.find((x: Json) => x.current).id
    expect((await person.client.delete(`/api/v1/me/sessions/${theirs}`)).status).toBe(204)
    const outcome = await Promise.race([ended, new Promise(resolve => setTimeout(() => resolve('still open'), 5000))])
    controller.abort()
    expect(outcome).toBe('ended')
  })
})

describe('an admin ending a member\'s sessions', () => {
  it('ends every session of the member at once (their next request is 401), audited; not for other tenants or non-admins', async () => {
    const { client: admin } = await signUp(baseURL)
    const person = await member(admin)
    const other = await signedInAgain(person.email, person.password)
    expect((await person.client.post(`/api/v1/users/${person.id}/sessions/end`)).status).toBe(403)
    expect((await admin.post(`/api/v1/users/${person.id}/sessions/end`)).status).toBe(204)
    expect((await person.client.get('/api/v1/deals')).status).toBe(401)
    expect((await other.get('/api/v1/deals')).status).toBe(401)
    const entry = (await admin.get('/api/v1/audit')).body.data.find((e: Json) => e.action === 'user.sessions_ended')
    expect(entry).toMatchObject({ targetType: 'user', targetId: person.id })
    expect((await signedInAgain(person.email, person.password).then(c => c.get('/api/auth/me'))).status).toBe(200)
    expect((await admin.post(`/api/v1/users/${crypto.randomUUID()}/sessions/end`)).status).toBe(404)
  })
})
