import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { Client, signUp, unique, type Json } from '../../support/http'
import { finishSso, startOidcProvider, startSso, type OidcProvider } from '../../support/oidc'
import { subscribe } from '../../support/stripe'

// Single sign-on against a real OpenID provider on 127.0.0.1 (oidc-provider, configured by
// tests/support/oidc.ts): the code flow with PKCE, state and nonce, checked by the app through
// openid-client; just-in-time provisioning; "SSO only".

const baseURL = inject('baseURL')
const smtpSinkURL = inject('smtpSinkURL')
const redirectUri = `${baseURL}/api/auth/sso/callback`
const domain = `${unique('acme')}.test`
const otherDomain = `${unique('globex')}.test`

let provider: OidcProvider
let a: Awaited<ReturnType<typeof signUp>>
let b: Awaited<ReturnType<typeof signUp>>
/** Every answer of the settings routes, to check that the secret never appears in one. */
const answers: unknown[] = []
const keep = <T extends { body: unknown }>(answer: T) => {
  answers.push(answer.body)
  return answer
}

const settings = (overrides: Record<string, unknown> = {}) => ({
  issuer: provider.issuer,
  clientId: provider.client.clientId,
  clientSecret: provider.client.clientSecret,
  domains: [domain.toUpperCase(), `eu.${domain}`],
  jitProvisioning: true,
  ssoOnly: false,
  ...overrides,
})
const put = (client: Client, body: unknown) => client.request('PUT', '/api/v1/sso', body).then(keep)

/** A whole sign-in through the provider as `login`: the app's last answer and the client. */
async function signInAs(login: string, email = `${login}@${domain}`, tamper?: (url: URL) => void) {
  const client = new Client(baseURL)
  const { callback } = await startSso(client, email, login, redirectUri, tamper)
  return { client, answer: await finishSso(client, callback), callback }
}
const refusedWith = (answer: { status: number, headers: Headers }, reason: string) => {
  expect(answer.status).toBe(302)
  expect(answer.headers.get('location')).toBe(`/login?sso_error=${reason}`)
}

/** Invites a person into a tenant with a password of their own. */
async function member(admin: Client, email: string, role: 'rep' | 'admin') {
  const invite = await admin.post('/api/v1/users', { email, name: `Member ${role}`, role })
  expect(invite.status).toBe(201)
  const accepted = await new Client(baseURL).post('/api/auth/invite/accept', {
    token: invite.body.inviteUrl.split('/invite/')[1], password: 'a-member-password',
  })
  expect(accepted.status).toBe(200)
  return { id: invite.body.id as string, email, password: 'a-member-password' }
}

beforeAll(async () => {
  provider = await startOidcProvider({
    redirectUri,
    accounts: {
      nia: { email: `nia@${domain}`, email_verified: true, name: 'Nia Newbie' },
      eve: { email: `eve@${domain}`, email_verified: false, name: 'Eve Unverified' },
      ana: { email: `ana@${domain}`, email_verified: true, given_name: 'Ana', family_name: 'Lima' },
      sam: { email: `sam@${domain}`, email_verified: true, name: 'Sam Stranger' },
      dee: { email: `dee@${domain}`, email_verified: true, name: 'Dee Deactivated' },
    },
  })
  a = await signUp(baseURL)
  b = await signUp(baseURL)
  await subscribe(baseURL, a.tenant.id) // seats for the provisioned members, and API keys
})
afterAll(() => provider?.close())

describe('the single sign-on settings', () => {
  it('check the issuer by discovery: one that does not answer is 400 naming issuer, and nothing is saved', async () => {
    const answer = await put(a.client, settings({ issuer: 'http://127.0.0.1:9' }))
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues).toEqual([{ path: 'issuer', message: expect.stringContaining('discovery') }])
    expect((await a.client.get('/api/v1/sso')).body.configured).toBe(false)
  })

  it('validate domains (each named) and need a secret the first time', async () => {
    const bad = await put(a.client, settings({ domains: ['acme.test', 'not a domain'] }))
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues.map((i: Json) => i.path)).toEqual(['domains.1'])
    const { clientSecret: _, ...noSecret } = settings()
    const missing = await put(a.client, noSecret)
    expect(missing.status).toBe(400)
    expect(missing.body.data.issues.map((i: Json) => i.path)).toEqual(['clientSecret'])
  })

  it('are saved with the domains lower-cased and the secret sealed: GET says it is set, never what it is', async () => {
    const saved = await put(a.client, settings())
    expect(saved.status).toBe(200)
    expect(saved.body).toMatchObject({
      configured: true, issuer: provider.issuer, clientId: provider.client.clientId, clientSecretSet: true,
      domains: [domain, `eu.${domain}`].sort(), jitProvisioning: true, ssoOnly: false, redirectUri,
    })
    expect(saved.body).not.toHaveProperty('clientSecret')
    const read = keep(await a.client.get('/api/v1/sso'))
    expect(read.body).toEqual(saved.body)
  })

  it('keep the stored secret when a change leaves it out', async () => {
    const { clientSecret: _, ...noSecret } = settings()
    const saved = await put(a.client, { ...noSecret, domains: [domain] })
    expect(saved.status).toBe(200)
    expect(saved.body).toMatchObject({ clientSecretSet: true, domains: [domain] })
    // The stored secret still works: a sign-in completes (below, and here).
    expect((await signInAs('nia')).answer.headers.get('location')).toBe('/dashboard')
  })

  it('refuse a domain another tenant covers: 409 naming domains, and the other tenant keeps nothing', async () => {
    const answer = await put(b.client, settings({ domains: [otherDomain, domain] }))
    expect(answer.status).toBe(409)
    expect(answer.body.data).toEqual({ field: 'domains', domains: [domain] })
    expect((await b.client.get('/api/v1/sso')).body).toMatchObject({ configured: false, domains: [] })
    expect((await a.client.get('/api/v1/sso')).body.domains).toEqual([domain])
  })

  it('are for signed-in admins only: not reps, not API keys', async () => {
    const key = (await a.client.post('/api/v1/api-keys', { name: 'sso key', scopes: ['write'] })).body.key
    const withKey = new Client(baseURL, { authorization: `Bearer ${key}` })
    expect((await withKey.get('/api/v1/sso')).status).toBe(403)
    expect((await withKey.request('PUT', '/api/v1/sso', settings())).status).toBe(403)
    const rep = await member(a.client, `rep-${unique('r')}@elsewhere.test`, 'rep')
    const repClient = await new Client(baseURL).login(rep.email, rep.password)
    expect((await repClient.get('/api/v1/sso')).status).toBe(403)
  })

  it('are audited', async () => {
    const entries = (await a.client.get('/api/v1/audit?limit=100')).body.data
    expect(entries.filter((e: Json) => e.action === 'sso.configured').length).toBeGreaterThanOrEqual(2)
  })
})

describe('signing in with single sign-on', () => {
  it('finds no provider for a domain nobody covers: 400 naming email (a page is sent back to sign-in)', async () => {
    const answer = await new Client(baseURL).get(`/api/auth/sso/start?email=someone@${otherDomain}`)
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues).toEqual([{ path: 'email', message: expect.any(String) }])
    const page = await fetch(`${baseURL}/api/auth/sso/start?email=someone@${otherDomain}`, {
      headers: { accept: 'text/html' }, redirect: 'manual',
    })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toBe('/login?sso_error=no_provider')
  })

  it('sends the browser to the provider with PKCE (S256), state and nonce, in a sealed 10-minute cookie', async () => {
    const client = new Client(baseURL)
    const start = await client.get(`/api/auth/sso/start?email=x@${domain}`)
    expect(start.status).toBe(302)
    const url = new URL(start.headers.get('location')!)
    expect(url.origin).toBe(provider.issuer)
    for (const name of ['state', 'nonce', 'code_challenge']) expect(url.searchParams.get(name)).toBeTruthy()
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('client_id')).toBe(provider.client.clientId)
    expect(url.searchParams.get('redirect_uri')).toBe(redirectUri)
    const cookie = start.headers.getSetCookie().find(c => c.startsWith('momentum-sso='))!
    expect(cookie).toMatch(/HttpOnly/i)
    const expires = new Date(/Expires=([^;]+)/i.exec(cookie)![1]!).getTime()
    expect(Math.abs(expires - (Date.now() + 600_000))).toBeLessThan(5_000)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).not.toContain(url.searchParams.get('state')!)
  })

  it('signs a new person into the right tenant as a rep, named from the claims (just-in-time)', async () => {
    // B has a member with the same email: single sign-on into A must never sign in as them.
    const twin = await member(b.client, `ana@${domain}`, 'rep')
    const { client, answer } = await signInAs('ana')
    expect(answer.headers.get('location')).toBe('/dashboard')
    const me = (await client.get('/api/auth/me')).body
    expect(me.tenant.id).toBe(a.tenant.id)
    expect(me.user).toMatchObject({ email: `ana@${domain}`, name: 'Ana Lima', role: 'rep' })
    expect(me.user.id).not.toBe(twin.id)
    const people = (await a.client.get('/api/v1/users')).body.data
    expect(people.find((u: Json) => u.email === `ana@${domain}`)).toMatchObject({ role: 'rep', invited: true })
    const entries = (await a.client.get('/api/v1/audit?limit=100')).body.data.map((e: Json) => e.action)
    expect(entries).toEqual(expect.arrayContaining(['user.provisioned', 'auth.sso_login']))
  })

  it('signs an existing member in again as themselves', async () => {
    const first = (await (await signInAs('nia')).client.get('/api/auth/me')).body.user
    const again = await signInAs('nia')
    expect(again.answer.headers.get('location')).toBe('/dashboard')
    expect((await again.client.get('/api/auth/me')).body.user.id).toBe(first.id)
  })

  it('refuses a callback whose state is not the one it started with', async () => {
    const client = new Client(baseURL)
    const { callback } = await startSso(client, `nia@${domain}`, 'nia', redirectUri)
    callback.searchParams.set('state', 'forged-state')
    refusedWith(await finishSso(client, callback), 'invalid_response')
    expect((await client.get('/api/auth/me')).status).toBe(401)
  })

  it('refuses an ID token whose nonce is not the one it started with', async () => {
    const { client, answer } = await signInAs('nia', undefined, url => url.searchParams.set('nonce', 'another-nonce'))
    refusedWith(answer, 'invalid_response')
    expect((await client.get('/api/auth/me')).status).toBe(401)
  })

  it('refuses a callback replayed with another sign-in\'s cookie (its state and nonce)', async () => {
    const first = new Client(baseURL)
    const { callback } = await startSso(first, `nia@${domain}`, 'nia', redirectUri)
    const second = new Client(baseURL)
    await second.get(`/api/auth/sso/start?email=nia@${domain}`)
    refusedWith(await finishSso(second, callback), 'invalid_response')
    expect((await second.get('/api/auth/me')).status).toBe(401)
  })

  it('refuses what the provider issued to another client (its code and ID token)', async () => {
    const { client, answer } = await signInAs('nia', undefined, url => url.searchParams.set('client_id', provider.otherClient.clientId))
    refusedWith(answer, 'invalid_response')
    expect((await client.get('/api/auth/me')).status).toBe(401)
  })

  it('uses a callback once, and none without its cookie', async () => {
    const client = new Client(baseURL)
    const { callback } = await startSso(client, `nia@${domain}`, 'nia', redirectUri)
    expect((await finishSso(client, callback)).headers.get('location')).toBe('/dashboard')
    refusedWith(await finishSso(new Client(baseURL), callback), 'expired')
    refusedWith(await finishSso(client, callback), 'expired')
  })

  it('refuses an email the provider has not verified', async () => {
    const { client, answer } = await signInAs('eve')
    refusedWith(answer, 'email_not_verified')
    expect((await client.get('/api/auth/me')).status).toBe(401)
    expect((await a.client.get('/api/v1/users')).body.data.some((u: Json) => u.email === `eve@${domain}`)).toBe(false)
  })

  it('refuses a person without an account when just-in-time provisioning is off', async () => {
    const { clientSecret: _, ...noSecret } = settings({ domains: [domain] })
    expect((await put(a.client, { ...noSecret, jitProvisioning: false })).status).toBe(200)
    refusedWith((await signInAs('sam')).answer, 'not_provisioned')
    expect((await put(a.client, { ...noSecret, jitProvisioning: true })).status).toBe(200)
  })

  it('refuses a deactivated member', async () => {
    const { client } = await signInAs('dee')
    const dee = (await client.get('/api/auth/me')).body.user
    expect((await a.client.patch(`/api/v1/users/${dee.id}`, { active: false })).status).toBe(200)
    refusedWith((await signInAs('dee')).answer, 'deactivated')
  })

  it('never answers its query strings with a 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), async (x, y) => {
      const anonymous = new Client(baseURL)
      const q = (s: string) => encodeURIComponent(s)
      for (const path of [`/api/auth/sso/start?email=${q(x)}&redirect=${q(y)}`, `/api/auth/sso/callback?code=${q(x)}&state=${q(y)}`]) {
        expect((await anonymous.get(path)).status).toBeLessThan(500)
      }
    }), { numRuns: 20, seed: 20261204 })
  })
})

/** The password reset links mailed to `address` so far (the test SMTP server's inbox). */
async function resetLinks(address: string): Promise<string[]> {
  const mail = (await (await fetch(smtpSinkURL)).json()) as Json[]
  return mail.filter(m => m.to.includes(address))
    .map(m => /\/reset-password\?token=([\w%-]+)/.exec(m.text)?.[1])
    .filter((t): t is string => Boolean(t)).map(decodeURIComponent)
}
async function resetLinkArrives(address: string) {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const [token] = await resetLinks(address)
    if (token) return token
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`no reset link reached ${address}`)
}

describe('"SSO only"', () => {
  it('sends members no password reset link and refuses one asked for before, but admins keep theirs', async () => {
    const early = await member(a.client, `pw-early-${unique('r')}@${domain}`, 'rep')
    const late = await member(a.client, `pw-late-${unique('r')}@${domain}`, 'rep')
    expect((await new Client(baseURL).post('/api/auth/password/forgot', { email: early.email })).status).toBe(202)
    const earlyToken = await resetLinkArrives(early.email)
    const { clientSecret: _, ...noSecret } = settings({ domains: [domain] })
    expect((await put(a.client, { ...noSecret, ssoOnly: true })).status).toBe(200)
    try {
      // The same answer as ever, but nothing is sent.
      const asked = await new Client(baseURL).post('/api/auth/password/forgot', { email: late.email })
      expect(asked.status).toBe(202)
      const reset = await new Client(baseURL).post('/api/auth/password/reset', { token: earlyToken, password: 'a-brand-new-password' })
      expect(reset.status).toBe(400)
      expect(reset.body.data.issues[0].path).toBe('token')
      expect((await new Client(baseURL).post('/api/auth/login', { email: early.email, password: 'a-brand-new-password' })).status).toBe(401)
      // The admin's break-glass password can still be reset.
      expect((await new Client(baseURL).post('/api/auth/password/forgot', { email: a.email })).status).toBe(202)
      await resetLinkArrives(a.email)
      expect(await resetLinks(late.email)).toEqual([])
    }
    finally {
      expect((await put(a.client, { ...noSecret, ssoOnly: false })).status).toBe(200)
    }
  })

  it('refuses password sign-in to the tenant\'s members but lets admins in (break-glass)', async () => {
    const rep = await member(a.client, `pw-rep-${unique('r')}@${domain}`, 'rep')
    expect((await new Client(baseURL).post('/api/auth/login', { email: rep.email, password: rep.password })).status).toBe(200)
    const { clientSecret: _, ...noSecret } = settings({ domains: [domain] })
    expect((await put(a.client, { ...noSecret, ssoOnly: true })).status).toBe(200)
    const refused = await new Client(baseURL).post('/api/auth/login', { email: rep.email, password: rep.password })
    expect(refused.status).toBe(403)
    expect(refused.body.statusMessage).toContain('single sign-on')
    expect(refused.headers.getSetCookie().some(c => c.startsWith('nuxt-session=') && !/max-age=0/i.test(c))).toBe(false)
    expect((await new Client(baseURL).post('/api/auth/login', { email: a.email, password: a.password })).status).toBe(200)
    // A wrong password is still just a wrong password: the refusal says nothing to someone without it.
    expect((await new Client(baseURL).post('/api/auth/login', { email: rep.email, password: 'not-the-password' })).status).toBe(401)
    // Another tenant's members are not affected.
    expect((await new Client(baseURL).post('/api/auth/login', { email: b.email, password: b.password })).status).toBe(200)
    // Single sign-on still works for the rep's tenant.
    expect((await signInAs('nia')).answer.headers.get('location')).toBe('/dashboard')
    expect((await put(a.client, { ...noSecret, ssoOnly: false })).status).toBe(200)
  })
})

describe('the secret', () => {
  it('never appears in an answer', () => {
    expect(answers.length).toBeGreaterThan(5)
    expect(JSON.stringify(answers)).not.toContain(provider.client.clientSecret)
  })
})
