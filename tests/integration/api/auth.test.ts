import { describe, expect, inject, it } from 'vitest'
import { Client, signUp, unique, type Json } from '../../support/http'
import { subscribe } from '../../support/stripe'

const baseURL = inject('baseURL')

describe('sign-up and sign-in', () => {
  it('signs up a tenant on the free plan with the caller as its admin, signed in', async () => {
    const { client, email, tenant } = await signUp(baseURL, 'Globex')
    expect(tenant).toMatchObject({ name: 'Globex', plan: 'free' })
    const me = await client.get('/api/auth/me')
    expect(me.body).toMatchObject({ user: { email, role: 'admin', teamId: null }, tenant: { id: tenant.id, name: 'Globex', plan: 'free' } })
  })

  it('refuses a second sign-up with the same email, and bad input with the field named', async () => {
    const { email } = await signUp(baseURL)
    const again = await new Client(baseURL).post('/api/auth/signup', { orgName: 'Twice', name: 'T', email, password: 'a-good-password' })
    expect(again.status).toBe(409)
    const bad = await new Client(baseURL).post('/api/auth/signup', { orgName: 'X', name: 'X', email: 'nope', password: 'short' })
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues.map((i: Json) => i.path).sort()).toEqual(['email', 'password'])
  })

  it('rotates the session cookie at sign-in and ends it at sign-out', async () => {
    const { email, password } = await signUp(baseURL)
    const client = new Client(baseURL)
    const first = await client.post('/api/auth/login', { email, password })
    const second = await client.post('/api/auth/login', { email, password })
    expect(first.headers.getSetCookie()[0]).not.toEqual(second.headers.getSetCookie()[0])
    expect(first.headers.getSetCookie()[0]).toMatch(/HttpOnly/i)
    expect(first.headers.getSetCookie()[0]).toMatch(/SameSite=Lax/i)
    expect((await client.post('/api/auth/logout')).status).toBe(204)
    expect((await client.get('/api/auth/me')).status).toBe(401)
  })

  it('rate limits repeated failed sign-ins for an email with 429 and Retry-After', async () => {
    const { email, password } = await signUp(baseURL)
    const client = new Client(baseURL)
    for (let i = 0; i < 5; i++) expect((await client.post('/api/auth/login', { email, password: 'wrong-password' })).status).toBe(401)
    const locked = await client.post('/api/auth/login', { email, password })
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})

describe('people and API keys', () => {
  it('lets an admin invite a user who sets a password once and is then signed in', async () => {
    const { client } = await signUp(baseURL)
    const email = `${unique('rep')}@invited.test`
    const invite = await client.post('/api/v1/users', { email, name: 'Invited Rep', role: 'rep' })
    expect(invite.status).toBe(201)
    const token = invite.body.inviteUrl.split('/invite/')[1]
    const invited = new Client(baseURL)
    const accepted = await invited.post('/api/auth/invite/accept', { token, password: 'my-own-password' })
    expect(accepted.status).toBe(200)
    expect((await invited.get('/api/auth/me')).body.user).toMatchObject({ email, role: 'rep' })
    expect((await new Client(baseURL).post('/api/auth/invite/accept', { token, password: 'another-password' })).status).toBe(404)
  })

  it('ends a deactivated user\'s session at once, and refuses to deactivate the last admin', async () => {
    const { client, user } = await signUp(baseURL)
    const email = `${unique('rep')}@deactivate.test`
    const invite = await client.post('/api/v1/users', { email, name: 'Soon Gone', role: 'rep' })
    const rep = new Client(baseURL)
    await rep.post('/api/auth/invite/accept', { token: invite.body.inviteUrl.split('/invite/')[1], password: 'my-own-password' })
    expect((await rep.get('/api/v1/deals')).status).toBe(200)
    expect((await client.patch(`/api/v1/users/${invite.body.id}`, { active: false })).status).toBe(200)
    expect((await rep.get('/api/v1/deals')).status).toBe(401)
    expect((await rep.post('/api/auth/login', { email, password: 'my-own-password' })).status).toBe(401)
    expect((await client.patch(`/api/v1/users/${user.id}`, { active: false })).status).toBe(409)
  })

  it('creates API keys shown once, usable as Bearer, stored hashed, and revocable', async () => {
    const { client, tenant } = await signUp(baseURL)
    await subscribe(baseURL, tenant.id)
    const created = await client.post('/api/v1/api-keys', { name: 'Zapier', scopes: ['read', 'write'] })
    expect(created.body.key).toMatch(/^mk_[a-z0-9]{12}_/)
    const listed = (await client.get('/api/v1/api-keys')).body.data
    expect(JSON.stringify(listed)).not.toContain(created.body.key.split('_').slice(2).join('_'))
    const bearer = new Client(baseURL, { authorization: `Bearer ${created.body.key}` })
    expect((await bearer.get('/api/v1/deals')).status).toBe(200)
    expect((await new Client(baseURL, { authorization: `Bearer ${created.body.key}x` }).get('/api/v1/deals')).status).toBe(401)
    expect((await bearer.post('/api/v1/api-keys', { name: 'minted by a key', scopes: ['read', 'write'] })).status).toBe(403)
    expect((await bearer.post('/api/v1/users', { email: 'key@x.test', name: 'K', role: 'admin' })).status).toBe(403)
    expect((await client.delete(`/api/v1/api-keys/${created.body.id}`)).status).toBe(204)
    expect((await bearer.get('/api/v1/deals')).status).toBe(401)
  })

  it('keeps an audit log of sign-ins, failed sign-ins, role changes and keys', async () => {
    const { client, email, user, tenant } = await signUp(baseURL)
    await subscribe(baseURL, tenant.id)
    await new Client(baseURL).post('/api/auth/login', { email, password: 'wrong-password' })
    await new Client(baseURL).login(email, 'a-good-password')
    const invite = await client.post('/api/v1/users', { email: `${unique('m')}@audit.test`, name: 'M', role: 'rep' })
    await client.patch(`/api/v1/users/${invite.body.id}`, { role: 'manager' })
    const key = await client.post('/api/v1/api-keys', { name: 'k', scopes: ['read', 'write'] })
    await client.delete(`/api/v1/api-keys/${key.body.id}`)
    const actions = (await client.get('/api/v1/audit')).body.data.map((e: Json) => e.action)
    expect(actions).toEqual([
      'api_key.revoked',
      'api_key.created',
      'user.role_changed',
      'user.invited',
      'auth.login',
      'auth.login_failed',
      'auth.signup',
    ])
    const changed = (await client.get('/api/v1/audit')).body.data.find((e: Json) => e.action === 'user.role_changed')
    expect(changed).toMatchObject({ actorUserId: user.id, targetId: invite.body.id, metadata: { from: 'rep', to: 'manager' } })
  })
})
