import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import type { Client } from './http'

/**
 * A real OpenID Connect provider for the tests (`oidc-provider`), on a free port on 127.0.0.1,
 * configured here: the CRM as a confidential client (client_secret_basic, the code flow, PKCE
 * required) and a second client at the same provider, accounts with email and email_verified
 * claims (`findAccount`), and one interaction that completes headlessly: `/interaction/:uid`
 * signs in the account named by `?login=` (login and consent at once), or shows a one-field form
 * a browser fills in. Claims beyond `sub` come from userinfo (the provider's default).
 */

export interface OidcAccount {
  email: string
  email_verified: boolean
  name?: string
  given_name?: string
  family_name?: string
}

export interface OidcClientCredentials { clientId: string, clientSecret: string }

export interface OidcProvider {
  issuer: string
  /** The CRM's client. */
  client: OidcClientCredentials
  /** Another client at the same provider: what it is issued must never sign anyone in to the CRM. */
  otherClient: OidcClientCredentials
  accounts: Map<string, OidcAccount>
  close: () => Promise<void>
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any

const html = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
  res.end(`<!doctype html><html><head><title>Test identity provider</title></head><body>${body}</body></html>`)
}

export async function startOidcProvider(options: { redirectUri: string, accounts?: Record<string, OidcAccount> }): Promise<OidcProvider> {
  const accounts = new Map(Object.entries(options.accounts ?? {}))
  const client = { clientId: `crm-${randomBytes(4).toString('hex')}`, clientSecret: randomBytes(24).toString('hex') }
  const otherClient = { clientId: `other-${randomBytes(4).toString('hex')}`, clientSecret: randomBytes(24).toString('hex') }
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const registered = (c: OidcClientCredentials) => ({
    client_id: c.clientId,
    client_secret: c.clientSecret,
    redirect_uris: [options.redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  })
  const provider: Any = new Provider(issuer, {
    clients: [registered(client), registered(otherClient)],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'] },
    scopes: ['openid', 'email', 'profile'],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, id: string) => {
      const account = accounts.get(id)
      return account ? { accountId: id, claims: () => ({ sub: id, ...account }) } : undefined
    },
  })
  const callback = provider.callback()

  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url!, issuer)
    const details = await provider.interactionDetails(req, res)
    const login = url.searchParams.get('login')
    if (!login || !accounts.has(login)) {
      html(res, 200, `<h1>Test identity provider</h1>${login ? '<p role="alert">No such account.</p>' : ''}
        <form method="get"><label>Account <input name="login" autocomplete="off"></label> <button type="submit">Sign in</button></form>`)
      return
    }
    const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id })
    grant.addOIDCScope(String(details.params.scope ?? 'openid'))
    const grantId = await grant.save()
    await provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } }, { mergeWithLastSubmission: false })
  }

  server.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((error: Error) => html(res, 500, `<p>${error.message.replace(/[<>&]/g, '')}</p>`))
      return
    }
    callback(req, res)
  })
  return {
    issuer, client, otherClient, accounts,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

/** A cookie jar of the browser at the provider (the app's cookies stay in its Client). */
class Jar {
  private cookies = new Map<string, string>()
  header = () => [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  keep(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const [name, ...value] = pair!.split('=')
      if (value.join('=') === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name!.trim())
      else this.cookies.set(name!.trim(), value.join('='))
    }
  }
}

/**
 * Goes through the provider like a browser that signs in as `login`: from an authorization URL
 * (the app's redirect, changed by `tamper` if given) through the interaction, up to the redirect
 * back to the app. Answers that callback URL (not followed), or the provider's last answer when
 * it does not redirect there.
 */
export async function throughProvider(authorizationUrl: string, login: string, redirectUri: string) {
  const jar = new Jar()
  let url = authorizationUrl
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(redirectUri)) return { callback: new URL(url), status: 302 }
    const target = new URL(url)
    if (target.pathname.startsWith('/interaction/') && !target.searchParams.has('login')) target.searchParams.set('login', login)
    const response = await fetch(target, { headers: { cookie: jar.header() }, redirect: 'manual' })
    jar.keep(response)
    const location = response.headers.get('location')
    if (response.status < 300 || response.status >= 400 || !location) {
      return { callback: null, status: response.status, text: await response.text() }
    }
    url = new URL(location, target).href
  }
  throw new Error('too many redirects at the provider')
}

/**
 * Starts single sign-on at the app for `email` (its 302 to the provider), lets `tamper` change
 * the authorization URL, and goes through the provider as `login`. Answers the authorization
 * URL and the callback URL the provider sent back.
 */
export async function startSso(
  app: Client,
  email: string,
  login: string,
  redirectUri: string,
  tamper: (url: URL) => void = () => {},
) {
  const start = await app.get(`/api/auth/sso/start?email=${encodeURIComponent(email)}`)
  if (start.status !== 302) throw new Error(`sso start: ${start.status} ${JSON.stringify(start.body)}`)
  const authorization = new URL(start.headers.get('location')!)
  tamper(authorization)
  const { callback, status, text } = await throughProvider(authorization.href, login, redirectUri) as Any
  if (!callback) throw new Error(`the provider did not redirect back: ${status} ${String(text).slice(0, 300)}`)
  return { authorization, callback: callback as URL }
}

/** The app's answer to a callback URL, for its client (cookie jar). */
export const finishSso = (app: Client, callback: URL) => app.get(`${callback.pathname}${callback.search}`)
