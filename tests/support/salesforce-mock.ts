import { createHmac, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseSoql, runSoql, SoqlError, type SfRow, type SfValue } from './soql'

/**
 * A local Salesforce for the tests, speaking the REST API as documented: the OAuth 2.0 token
 * endpoint (refresh_token and client_credentials grants, answers signed like Salesforce's),
 * `query` / `queryAll` with a real SOQL subset, 2,000-record pages behind `nextRecordsUrl`,
 * `limits`, `Sforce-Limit-Info` on every answer, and Salesforce's error bodies. Records live in
 * memory; tests change them between syncs and switch faults on.
 */

export const PAGE_SIZE = 2000
const ORG_ID = '00D000000000001AAA'
const USER_ID = '005000000000001AAA'

/** Salesforce's datetime format: `2026-03-01T09:30:00.000+0000`. */
export const sfDateTime = (d: Date) => d.toISOString().replace('Z', '+0000')

/** An 18-character Salesforce Id with the object's key prefix. */
export const sfId = (prefix: string, n: number) => `${prefix}${n.toString(36).toUpperCase().padStart(12, '0')}AAA`

interface Fault { match: RegExp, skip: number, times: number, status: number }
export interface LoggedRequest { method: string, path: string, status: number, grantType?: string, soql?: string }

export interface SalesforceMock {
  url: string
  credentials: { clientId: string, clientSecret: string, refreshToken: string }
  /** Objects -> records by Id (IsDeleted and SystemModstamp kept like Salesforce keeps them). */
  records: Map<string, Map<string, SfRow>>
  usage: { used: number, limit: number }
  log: LoggedRequest[]
  now: () => Date
  insert: (object: string, row: SfRow) => SfRow
  update: (object: string, id: string, fields: SfRow) => SfRow
  remove: (object: string, id: string) => void
  /** The next matching API requests (after `skip` of them pass) fail with `status` (500). */
  failNext: (options: { match?: RegExp, skip?: number, times?: number, status?: number }) => void
  expireTokens: () => void
  /** The `instance_url` token answers name instead of the mock's own URL (null: its own). */
  tokenInstanceUrl: string | null
  revokeRefreshTokens: () => void
  close: () => Promise<void>
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers })
  res.end(JSON.stringify(body))
}

async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export async function startSalesforceMock(options: { now?: () => Date } = {}): Promise<SalesforceMock> {
  const credentials = {
    clientId: `3MVG9${randomBytes(12).toString('hex')}`,
    clientSecret: randomBytes(16).toString('hex').toUpperCase(),
    refreshToken: `5Aep861${randomBytes(20).toString('base64url')}`,
  }
  const tokens = new Set<string>()
  let refreshRevoked = false
  const faults: Fault[] = []
  const cursors = new Map<string, { object: string, rows: SfRow[] }>()
  const records = new Map<string, Map<string, SfRow>>()
  let url = ''

  const table = (object: string) => {
    if (!records.has(object)) records.set(object, new Map())
    return records.get(object)!
  }
  const withAttributes = (object: string, version: string, row: SfRow) => ({
    attributes: { type: object, url: `/services/data/v${version}/sobjects/${object}/${row.Id}` },
    ...row,
  })
  const page = (locator: string, offset: number, version: string) => {
    const cursor = cursors.get(locator)!
    const slice = cursor.rows.slice(offset, offset + PAGE_SIZE)
    const done = offset + PAGE_SIZE >= cursor.rows.length
    if (done) cursors.delete(locator)
    return {
      totalSize: cursor.rows.length, done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/v${version}/query/${locator}-${offset + PAGE_SIZE}` }),
      records: slice.map(r => withAttributes(cursor.object, version, r)),
    }
  }

  const mock: SalesforceMock = {
    url: '',
    credentials,
    records,
    usage: { used: 0, limit: 100_000 },
    log: [],
    now: options.now ?? (() => new Date()),
    insert(object, row) {
      const stamp = sfDateTime(mock.now())
      const full = { IsDeleted: false, CreatedDate: stamp, SystemModstamp: stamp, ...row }
      table(object).set(String(row.Id), full)
      return full
    },
    update(object, id, fields) {
      const current = table(object).get(id)
      if (!current) throw new Error(`no ${object} ${id}`)
      const next = { ...current, ...fields, SystemModstamp: sfDateTime(mock.now()) }
      table(object).set(id, next)
      return next
    },
    remove(object, id) {
      mock.update(object, id, { IsDeleted: true })
    },
    failNext({ match = /\/services\/data\//, skip = 0, times = 1, status = 500 }) {
      faults.push({ match, skip, times, status })
    },
    expireTokens: () => tokens.clear(),
    tokenInstanceUrl: null,
    revokeRefreshTokens: () => {
      refreshRevoked = true
    },
    close: () => new Promise(resolve => server.close(() => resolve())),
  }

  async function token(req: IncomingMessage, res: ServerResponse, log: LoggedRequest) {
    const form = new URLSearchParams(await readBody(req))
    log.grantType = form.get('grant_type') ?? undefined
    const fail = (status: number, error: string, description: string) => {
      log.status = status
      json(res, status, { error, error_description: description })
    }
    if (form.get('client_id') !== credentials.clientId || form.get('client_secret') !== credentials.clientSecret)
      return fail(400, 'invalid_client', 'invalid client credentials')
    if (log.grantType === 'refresh_token') {
      if (refreshRevoked || form.get('refresh_token') !== credentials.refreshToken)
        return fail(400, 'invalid_grant', 'expired access/refresh token')
    }
    else if (log.grantType !== 'client_credentials') return fail(400, 'unsupported_grant_type', 'grant type not supported')
    const accessToken = `${ORG_ID}!${randomBytes(24).toString('base64url')}`
    tokens.add(accessToken)
    const id = `${url}/id/${ORG_ID}/${USER_ID}`
    const issuedAt = String(Date.now())
    const signature = createHmac('sha256', credentials.clientSecret).update(id + issuedAt).digest('base64')
    log.status = 200
    json(res, 200, {
      access_token: accessToken,
      instance_url: mock.tokenInstanceUrl ?? url,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
      signature,
      scope: 'api refresh_token',
    })
  }

  function api(req: IncomingMessage, res: ServerResponse, log: LoggedRequest) {
    const send = (status: number, body: unknown) => {
      log.status = status
      json(res, status, body, { 'sforce-limit-info': `api-usage=${mock.usage.used}/${mock.usage.limit}` })
    }
    const auth = req.headers.authorization ?? ''
    if (!auth.startsWith('Bearer ') || !tokens.has(auth.slice(7)))
      return send(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }])
    mock.usage.used++
    const fault = faults.find(f => f.times > 0 && f.match.test(log.path))
    if (fault && fault.skip > 0) fault.skip--
    else if (fault) {
      fault.times--
      return send(fault.status, [
        {
          message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1907210531-77221 (-1431268743)',
          errorCode: fault.status === 503 ? 'SERVER_UNAVAILABLE' : 'UNKNOWN_EXCEPTION',
        },
      ])
    }
    const target = new URL(log.path, 'http://local')
    const route = /^\/services\/data\/v(\d+\.\d)\/(query|queryAll|limits)(?:\/([\w]+)-(\d+))?\/?$/.exec(target.pathname)
    if (!route) return send(404, [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }])
    const [, version, resource, locator, offset] = route
    if (resource === 'limits')
      return send(200, { DailyApiRequests: { Max: mock.usage.limit, Remaining: mock.usage.limit - mock.usage.used } })
    if (locator) {
      if (!cursors.has(locator)) return send(400, [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }])
      return send(200, page(locator, Number(offset), version!))
    }
    const soql = target.searchParams.get('q') ?? ''
    log.soql = soql
    try {
      const query = parseSoql(soql)
      const rows = [...table(query.object).values()].filter(r => resource === 'queryAll' || r.IsDeleted !== true)
      const id = `01g${randomBytes(6).toString('hex')}`
      cursors.set(id, { object: query.object, rows: runSoql(query, rows) })
      return send(200, page(id, 0, version!))
    }
    catch (error) {
      return send(400, [{ message: (error as Error).message, errorCode: error instanceof SoqlError ? error.errorCode : 'MALFORMED_QUERY' }])
    }
  }

  const server = createServer((req, res) => {
    const log: LoggedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', status: 0 }
    mock.log.push(log)
    if (req.method === 'POST' && log.path.startsWith('/services/oauth2/token')) {
      token(req, res, log).catch(() => json(res, 500, { error: 'server_error', error_description: 'mock failed' }))
      return
    }
    if (req.method === 'GET' && log.path.startsWith('/services/data/')) return api(req, res, log)
    log.status = 404
    json(res, 404, [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }])
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  mock.url = url
  return mock
}

export type { SfRow, SfValue }
