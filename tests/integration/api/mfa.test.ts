import { authenticator } from 'otplib'
import { describe, expect, inject, it } from 'vitest'
import { Client, signUp, unique, type Json } from '../../support/http'
import { subscribe } from '../../support/stripe'

// Two-factor authentication with TOTP, over HTTP, with real codes computed by otplib from the
// secret the server returned. Every user here is one this file creates (not a demo user), so
// the throttle and the resets here lock nobody else out.

const baseURL = inject('baseURL')

const STEP_MS = 30_000
const lastStep = new Map<string, number>()
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** The code of a time step later than any used for this secret (waiting for it to be in the ±1 window). */
async function nextCode(secret: string) {
  let current = Math.floor(Date.now() / STEP_MS)
  const step = Math.max(current, (lastStep.get(secret) ?? 0) + 1)
  while (step > current + 1) {
    await sleep((current + 1) * STEP_MS - Date.now() + 50)
    current = Math.floor(Date.now() / STEP_MS)
  }
  lastStep.set(secret, step)
  return authenticator.clone({ epoch: step * STEP_MS }).generate(secret)
}

/** The code of `steps` time steps ago. */
const codeAgo = (secret: string, steps: number) => authenticator.clone({ epoch: Date.now() - steps * STEP_MS }).generate(secret)

async function enrol(client: Client) {
  const started = await client.post('/api/auth/mfa/totp')
  expect(started.status).toBe(200)
  const { secret } = started.body as { secret: string }
  const confirmed = await client.post('/api/auth/mfa/totp/confirm', { code: await nextCode(secret) })
  expect(confirmed.status).toBe(200)
  return { secret, recoveryCodes: confirmed.body.recoveryCodes as string[] }
}

/** Invites someone into the admin's tenant and has them accept: their signed-in client and id. */
async function invited(admin: Client, role: 'rep' | 'manager' | 'admin' = 'rep', password = 'my-own-password') {
  const email = `${unique(role)}@mfa.test`
  const invite = await admin.post('/api/v1/users', { email, name: `New ${role}`, role })
  if (invite.status !== 201) throw new Error(`invite: ${invite.status} ${JSON.stringify(invite.body)}`)
  const client = new Client(baseURL)
  const accepted = await client.post('/api/auth/invite/accept', { token: invite.body.inviteUrl.split('/invite/')[1], password })
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${JSON.stringify(accepted.body)}`)
  return { client, id: invite.body.id as string, email, password }
}

/** Signs in with the password: the client, holding only the "password passed" cookie when two-factor is on. */
async function passwordStep(email: string, password: string) {
  const client = new Client(baseURL)
  const answer = await client.post('/api/auth/login', { email, password })
  expect(answer.status).toBe(200)
  return { client, answer }
}

const actions = async (admin: Client) => ((await admin.get('/api/v1/audit?limit=100')).body.data as Json[]).map(e => e.action as string)

describe('TOTP enrolment', () => {
  it('starts with a sealed pending secret and a locally drawn QR code; a code of it turns it on: ten recovery codes, once', async () => {
    const { client } = await signUp(baseURL)
    const started = await client.post('/api/auth/mfa/totp')
    expect(started.status).toBe(200)
    expect(started.body.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(started.body.otpauthUrl).toContain(`secret=${started.body.secret}`)
    expect(started.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Momentum%20CRM:/)
    expect(started.body.qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    expect(started.body.qrSvg).not.toMatch(/<script|href=|https?:\/\/(?!www\.w3\.org)/)
    let me = (await client.get('/api/auth/me')).body
    expect(me.user.mfaEnabled).toBe(false)
    expect(me.mfa).toEqual({ enabled: false, required: false, enrolmentRequired: false })

    const near = [-1, 0, 1].map(s => codeAgo(started.body.secret, s))
    const wrong = await client.post('/api/auth/mfa/totp/confirm', { code: near.includes('000000') ? '111111' : '000000' })
    expect(wrong.status).toBe(400)
    expect(wrong.body.data.issues).toEqual([{ path: 'code', message: expect.stringContaining('wrong code') }])

    const confirmed = await client.post('/api/auth/mfa/totp/confirm', { code: await nextCode(started.body.secret) })
    expect(confirmed.status).toBe(200)
    const codes = confirmed.body.recoveryCodes as string[]
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    me = (await client.get('/api/auth/me')).body
    expect(me.user.mfaEnabled).toBe(true)
    expect((await client.post('/api/auth/mfa/totp')).status).toBe(409)
    expect((await client.post('/api/auth/mfa/totp/confirm', { code: '123456' })).status).toBe(409)
    expect((await client.get('/api/v1/users')).body.data[0].mfaEnabled).toBe(true)
    expect(await actions(client)).toContain('auth.mfa_enabled')
  })

  it('needs a signed-in person: anonymous 401, an API key 403', async () => {
    expect((await new Client(baseURL).post('/api/auth/mfa/totp')).status).toBe(401)
    expect((await new Client(baseURL).post('/api/auth/mfa/totp/confirm', { code: '123456' })).status).toBe(401)
    expect((await new Client(baseURL).request('DELETE', '/api/auth/mfa/totp', { code: '123456' })).status).toBe(401)
    const { client, tenant } = await signUp(baseURL)
    await subscribe(baseURL, tenant.id) // API keys are an enterprise capability
    const key = (await client.post('/api/v1/api-keys', { name: 'integration', scopes: ['write'] })).body.key as string
    const bearer = new Client(baseURL, { authorization: `Bearer ${key}` })
    expect((await bearer.post('/api/auth/mfa/totp')).status).toBe(403)
    expect((await bearer.post('/api/auth/mfa/totp/confirm', { code: '123456' })).status).toBe(403)
  })
})

describe('signing in with two-factor', () => {
  it('answers mfaRequired without a session after the password; the code completes it; a replayed or old code is refused', async () => {
    const { client: first, email, password } = await signUp(baseURL)
    const { secret } = await enrol(first)

    const { client, answer } = await passwordStep(email, password)
    expect(answer.body).toEqual({ mfaRequired: true })
    expect(client.cookieHeader()).toContain('momentum-mfa=')
    expect(client.cookieHeader()).not.toContain('nuxt-session=')
    expect((await client.get('/api/v1/deals')).status).toBe(401)
    expect((await client.get('/api/auth/me')).status).toBe(401)
    // The pending cookie presented as the session cookie opens nothing either.
    const pendingValue = /momentum-mfa=([^;]+)/.exec(client.cookieHeader())![1]
    expect((await new Client(baseURL, { cookie: `nuxt-session=${pendingValue}` }).get('/api/v1/deals')).status).toBe(401)

    const code = await nextCode(secret)
    const done = await client.post('/api/auth/login/mfa', { code })
    expect(done.status).toBe(200)
    expect(done.body.user.email).toBe(email)
    expect((await client.get('/api/v1/deals')).status).toBe(200)

    // The same code again, on a fresh password step: refused (each code works once).
    const replay = await passwordStep(email, password)
    const replayed = await replay.client.post('/api/auth/login/mfa', { code })
    expect(replayed.status).toBe(401)
    // A code of two steps ago is outside the ±1 window.
    expect((await replay.client.post('/api/auth/login/mfa', { code: codeAgo(secret, 2) })).status).toBe(401)
    expect((await replay.client.get('/api/v1/deals')).status).toBe(401)
    expect(await actions(client)).toEqual(expect.arrayContaining(['auth.login', 'auth.mfa_failed']))
  })

  it('takes a recovery code once', async () => {
    const { client: first, email, password } = await signUp(baseURL)
    const { recoveryCodes } = await enrol(first)
    const one = await passwordStep(email, password)
    expect((await one.client.post('/api/auth/login/mfa', { recoveryCode: recoveryCodes[0] })).status).toBe(200)
    expect((await one.client.get('/api/v1/deals')).status).toBe(200)
    const two = await passwordStep(email, password)
    expect((await two.client.post('/api/auth/login/mfa', { recoveryCode: recoveryCodes[0] })).status).toBe(401)
    expect((await two.client.post('/api/auth/login/mfa', { recoveryCode: recoveryCodes[1]!.toUpperCase() })).status).toBe(200)
  })

  it('refuses the code step without a password step, and bodies that are neither a code nor a recovery code', async () => {
    expect((await new Client(baseURL).post('/api/auth/login/mfa', { code: '123456' })).status).toBe(401)
    const bad = await new Client(baseURL).post('/api/auth/login/mfa', {})
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues[0].path).toBe('code')
    expect((await new Client(baseURL).post('/api/auth/login/mfa', { code: '1', recoveryCode: '2' })).status).toBe(400)
  })

  it('binds the password step to the user\'s session version: after a role change it is refused, even with the right code', async () => {
    const { client: admin } = await signUp(baseURL)
    const rep = await invited(admin)
    const { secret } = await enrol(rep.client)
    const pending = await passwordStep(rep.email, rep.password)
    expect(pending.answer.body).toEqual({ mfaRequired: true })
    expect((await admin.patch(`/api/v1/users/${rep.id}`, { role: 'manager' })).status).toBe(200)
    expect((await pending.client.post('/api/auth/login/mfa', { code: await nextCode(secret) })).status).toBe(401)
    const again = await passwordStep(rep.email, rep.password)
    expect((await again.client.post('/api/auth/login/mfa', { code: await nextCode(secret) })).status).toBe(200)
    expect((await again.client.get('/api/auth/me')).body.user.role).toBe('manager')
  })

  it('throttles wrong codes like passwords: 429 with Retry-After, even for the right code then', async () => {
    const { client: first, email, password } = await signUp(baseURL)
    const { secret } = await enrol(first)
    const { client } = await passwordStep(email, password)
    const wrong = () => {
      const right = new Set([-1, 0, 1].map(s => authenticator.clone({ epoch: Date.now() + s * STEP_MS }).generate(secret)))
      return ['000000', '111111', '222222'].find(c => !right.has(c))!
    }
    for (let i = 0; i < 5; i++) expect((await client.post('/api/auth/login/mfa', { code: wrong() })).status).toBe(401)
    const locked = await client.post('/api/auth/login/mfa', { code: await nextCode(secret) })
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await client.get('/api/v1/deals')).status).toBe(401)
    expect((await actions(first)).filter(a => a === 'auth.mfa_failed')).toHaveLength(5)
  })

  it('is turned off with a code (audited); then the password alone signs in', async () => {
    const { client, email, password } = await signUp(baseURL)
    const { recoveryCodes } = await enrol(client)
    expect((await client.request('DELETE', '/api/auth/mfa/totp', { recoveryCode: 'aaaaa-aaaaa' })).status).toBe(400)
    expect((await client.request('DELETE', '/api/auth/mfa/totp', { recoveryCode: recoveryCodes[2] })).status).toBe(204)
    expect((await client.get('/api/auth/me')).body.user.mfaEnabled).toBe(false)
    const { answer } = await passwordStep(email, password)
    expect(answer.body.user.email).toBe(email)
    expect(await actions(client)).toContain('auth.mfa_disabled')
  })
})

describe('the tenant requirement', () => {
  it('can be set only by an admin who has two-factor on', async () => {
    const { client } = await signUp(baseURL)
    const refused = await client.patch('/api/v1/tenant/mfa', { requireMfa: true })
    expect(refused.status).toBe(400)
    expect(refused.body.data.issues[0].path).toBe('requireMfa')
    const rep = await invited(client)
    expect((await rep.client.patch('/api/v1/tenant/mfa', { requireMfa: false })).status).toBe(403)
    expect((await client.get('/api/v1/tenant/mfa')).body).toEqual({ requireMfa: false })
  })

  it('sends a member without TOTP to enrol before anything else (403 on /api/v1), and refuses turning it off', async () => {
    const { client: admin } = await signUp(baseURL)
    await enrol(admin)
    const rep = await invited(admin)
    expect((await admin.patch('/api/v1/tenant/mfa', { requireMfa: true })).body).toEqual({ requireMfa: true })
    expect(await actions(admin)).toContain('tenant.mfa_required_set')

    const blocked = await rep.client.get('/api/v1/deals')
    expect(blocked.status).toBe(403)
    expect(blocked.body.statusMessage ?? blocked.body.message).toBe('mfa enrolment required')
    expect((await rep.client.get('/api/auth/me')).body.mfa).toEqual({ enabled: false, required: true, enrolmentRequired: true })
    // Signing in again gives a session (there is no second factor to ask for) that is still held to enrolment.
    const again = await passwordStep(rep.email, rep.password)
    expect(again.answer.body.user).toBeTruthy()
    expect((await again.client.get('/api/v1/tenant')).status).toBe(403)

    const { secret } = await enrol(rep.client)
    expect((await rep.client.get('/api/v1/deals')).status).toBe(200)
    expect((await rep.client.request('DELETE', '/api/auth/mfa/totp', { code: await nextCode(secret) })).status).toBe(403)
    expect((await rep.client.get('/api/auth/me')).body.user.mfaEnabled).toBe(true)
  })
})

describe('an admin resetting a member\'s second factor', () => {
  it('removes it, ends the member\'s sessions and is audited; a rep may not', async () => {
    const { client: admin, tenant } = await signUp(baseURL)
    await subscribe(baseURL, tenant.id) // more than the free plan's two people
    const rep = await invited(admin)
    await enrol(rep.client)
    const other = await invited(admin)
    expect((await other.client.post(`/api/v1/users/${rep.id}/mfa/reset`)).status).toBe(403)
    expect(((await admin.get('/api/v1/users')).body.data as Json[]).find(u => u.id === rep.id).mfaEnabled).toBe(true)

    const reset = await admin.post(`/api/v1/users/${rep.id}/mfa/reset`)
    expect(reset.status).toBe(200)
    expect(reset.body).toEqual({ id: rep.id, mfaEnabled: false })
    expect((await rep.client.get('/api/v1/deals')).status).toBe(401)
    expect(((await admin.get('/api/v1/users')).body.data as Json[]).find(u => u.id === rep.id).mfaEnabled).toBe(false)
    const entry = ((await admin.get('/api/v1/audit')).body.data as Json[]).find(e => e.action === 'user.mfa_reset')
    expect(entry).toMatchObject({ targetType: 'user', targetId: rep.id, metadata: { hadMfa: true } })
    // The password alone signs them in again (no second factor left to ask for).
    expect((await passwordStep(rep.email, rep.password)).answer.body.user.email).toBe(rep.email)
    expect((await admin.post(`/api/v1/users/${crypto.randomUUID()}/mfa/reset`)).status).toBe(404)
  })
})
