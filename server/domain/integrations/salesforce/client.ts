import { Connection, OAuth2, type TokenResponse } from 'jsforce'
import type { SalesforceAuthFlow } from '../../../../db/schema'
import { checkInstanceUrl } from './connections'
import {
  ApiLimitPause,
  backoffMs,
  InstanceUrlRefused,
  isTransient,
  nearLimit,
  SessionRefused,
  usageFromLimits,
  type ApiUsage,
} from './faults'
import type { SfRecord } from './map'

export const API_VERSION = '62.0'

/** Time as the sync sees it: injectable, so waits and backoff are observable in tests. */
export interface SyncClock {
  now: () => Date
  sleep: (ms: number) => Promise<void>
}
export const systemClock: SyncClock = { now: () => new Date(), sleep: ms => new Promise(resolve => setTimeout(resolve, ms)) }

export interface ClientCredentials {
  instanceUrl: string
  loginUrl: string
  authFlow: SalesforceAuthFlow
  clientId: string
  clientSecret: string
  refreshToken?: string
  accessToken?: string
}

export interface ClientOptions {
  clock: SyncClock
  /** Share of the daily API limit at which the sync holds off (0.9). */
  pauseAt: number
  /** Waits before giving up on a high usage, and their length. */
  limitWaits: number
  limitWaitMs: number
  /** Tries for a request failing with a 5xx or a network error, and the first backoff. */
  attempts: number
  retryBaseMs: number
}

export const DEFAULT_CLIENT_OPTIONS: Omit<ClientOptions, 'clock'> = {
  pauseAt: 0.9,
  limitWaits: 2,
  limitWaitMs: 60_000,
  attempts: 4,
  retryBaseMs: 500,
}

export interface QueryPage { records: SfRecord[], done: boolean, nextRecordsUrl?: string, totalSize: number }

/**
 * Salesforce's REST API through jsforce, one page at a time (the caller commits each page
 * before asking for the next). A token is fetched when there is none; an expired one (401
 * INVALID_SESSION_ID) is refreshed once per request through jsforce's refresh hook; 5xx and
 * network failures are retried here with exponential backoff (jsforce's own retries are off,
 * so every wait goes through the injectable clock); the usage Salesforce reports on each answer
 * is checked before the next request.
 */
export class SalesforceClient {
  readonly conn: Connection
  private readonly oauth2: OAuth2
  private refreshedThisRequest = false
  /** jsforce rewraps a failed refresh as a plain Error; the original (invalid_grant…) is kept here. */
  private refreshError: Error | null = null
  retries = 0
  tokenRefreshes = 0
  readonly limitWaits: number[] = []
  /** Set when a token request gave a new access token (the caller stores it, sealed). */
  tokenChanged = false

  constructor(private readonly credentials: ClientCredentials, private readonly options: ClientOptions) {
    this.oauth2 = new OAuth2({ loginUrl: credentials.loginUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret })
    // jsforce's own retries (fixed sleeps) are off for the token endpoint too: `retrying` retries it.
    const transport = this.oauth2._transport
    this.oauth2._transport = Object.assign(Object.create(transport) as typeof transport, {
      httpRequest: (req: Parameters<typeof transport.httpRequest>[0], opts?: Parameters<typeof transport.httpRequest>[1]) =>
        transport.httpRequest(req, { ...opts, retry: { maxRetries: 0 } }),
    })
    this.conn = new Connection({
      oauth2: this.oauth2,
      instanceUrl: credentials.instanceUrl,
      accessToken: credentials.accessToken,
      version: API_VERSION,
      refreshFn: (_conn, callback) => {
        this.refreshError = this.refreshedThisRequest ? new SessionRefused() : null
        if (this.refreshError) return callback(this.refreshError)
        this.refreshedThisRequest = true
        this.requestToken().then(token => callback(undefined, token.access_token, token), (error: Error) => {
          this.refreshError = error
          callback(error)
        })
      },
    })
  }

  get accessToken(): string | undefined {
    return this.conn.accessToken ?? undefined
  }

  get instanceUrl(): string {
    return this.conn.instanceUrl
  }

  get usage(): ApiUsage | null {
    return this.conn.limitInfo?.apiUsage ?? null
  }

  private async requestToken(): Promise<TokenResponse> {
    const { authFlow, refreshToken } = this.credentials
    const token = await this.retrying(() => authFlow === 'refresh_token'
      ? this.oauth2.refreshToken(refreshToken ?? '')
      : this.oauth2.requestToken({ grant_type: 'client_credentials' }))
    this.tokenRefreshes++
    // The answer names the org's API host: only one the connection may call (not a token for an internal address).
    if (token.instance_url) {
      const problem = checkInstanceUrl(token.instance_url, [this.credentials.instanceUrl, this.credentials.loginUrl])
      if (problem) throw new InstanceUrlRefused(token.instance_url, problem)
    }
    this.tokenChanged = true
    this.conn.accessToken = token.access_token
    if (token.instance_url) this.conn.instanceUrl = token.instance_url
    return token
  }

  /** One GET through jsforce, with the session refreshed at most once and transient failures retried. */
  private async get<T>(url: string): Promise<T> {
    if (!this.conn.accessToken) await this.requestToken()
    return this.retrying(async () => {
      this.refreshedThisRequest = false
      this.refreshError = null
      try {
        return await this.conn.request<T>({ method: 'GET', url }, { retry: { maxRetries: 0 } })
      }
      catch (error) {
        throw this.refreshError ?? error
      }
    })
  }

  /** Runs `call` again after a 5xx or a network failure, with exponential backoff through the clock. */
  private async retrying<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call()
      }
      catch (error) {
        if (!isTransient(error) || attempt + 1 >= this.options.attempts) {
          if (error && typeof error === 'object') Object.assign(error, { attempts: attempt + 1 })
          throw error
        }
        this.retries++
        await this.options.clock.sleep(backoffMs(attempt, this.options.retryBaseMs))
      }
    }
  }

  /**
   * Holds off while the reported usage is near the daily limit: waits (through the clock), reads
   * `/limits` again, and after the last wait stops the run with `ApiLimitPause`.
   */
  private async respectLimits() {
    let usage = this.usage
    for (let wait = 0; nearLimit(usage, this.options.pauseAt); wait++) {
      if (wait >= this.options.limitWaits) throw new ApiLimitPause(usage!, this.options.pauseAt)
      this.limitWaits.push(this.options.limitWaitMs)
      await this.options.clock.sleep(this.options.limitWaitMs)
      usage = usageFromLimits(await this.get(`/services/data/v${API_VERSION}/limits`)) ?? this.usage
    }
  }

  /** The first page of a SOQL query through queryAll (deleted records included). */
  async queryAll(soql: string): Promise<QueryPage> {
    await this.respectLimits()
    return this.get<QueryPage>(`/services/data/v${API_VERSION}/queryAll?q=${encodeURIComponent(soql)}`)
  }

  /** The next page, by the `nextRecordsUrl` of the page before. */
  async next(nextRecordsUrl: string): Promise<QueryPage> {
    await this.respectLimits()
    return this.get<QueryPage>(nextRecordsUrl)
  }

  /** Every record of a small query (User lookups), following nextRecordsUrl to the end. */
  async all(soql: string): Promise<SfRecord[]> {
    let page = await this.queryAll(soql)
    const records = [...page.records]
    while (!page.done && page.nextRecordsUrl) {
      page = await this.next(page.nextRecordsUrl)
      records.push(...page.records)
    }
    return records
  }
}
