import { H3Error } from 'h3'

/**
 * An error the HTTP layer shows as is (status, message and `data`). It is an h3 error so that
 * h3 and Nitro treat it as handled — any other error becomes a bare 500 with its data hidden —
 * while the domain never touches a request.
 */
export class DomainError extends H3Error {
  constructor(statusCode: number, statusMessage: string, data?: Record<string, unknown>) {
    super(statusMessage)
    this.name = 'DomainError'
    this.statusCode = statusCode
    this.statusMessage = statusMessage
    this.data = data
  }
}

export const notFound = (what: string) => new DomainError(404, `${what} not found`)
export const conflict = (message: string, data?: Record<string, unknown>) => new DomainError(409, message, data)
/** A 400 `validation` naming what is wrong (`issues: [{ path, message }]`, batches add `index`): the one way to say so. */
export const invalidInput = (issues: readonly { path: string, message: string, index?: number }[]) =>
  new DomainError(400, 'validation', { issues: [...issues] })

/** A 400 `validation` for one field. */
export const badRequest = (path: string, message: string) => invalidInput([{ path, message }])

const CONNECTION_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
])
const CONNECTION_MESSAGE = new RegExp(
  'connection terminated|connection (?:is )?(?:closed|ended|lost)|terminating connection|server closed the connection'
  + '|client has encountered a connection error|socket hang up',
  'i',
)

/** Whether an error (or what it wraps) is a lost or refused database connection rather than a bad query. Pure. */
export function isConnectionError(error: unknown): boolean {
  for (
    let e = error as { code?: unknown, message?: unknown, cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true
    if (typeof e.message === 'string' && CONNECTION_MESSAGE.test(e.message)) return true
  }
  return false
}

/** 503: the database went away mid-request; the transaction rolled back, so the same request may be retried. */
export const databaseUnavailable = () =>
  new DomainError(503, 'the database is unavailable: the changes of this step were rolled back, try again', {
    error: 'database_unavailable',
    retryable: true,
  })

/** A transaction the database aborted to resolve a conflict with another (deadlock, serialization). */
export function isConflictAbort(error: unknown): boolean {
  for (let e = error as { code?: unknown, cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === '40P01' || e.code === '40001') return true
  }
  return false
}

/** 503: the transaction was aborted for another one's sake and rolled back whole; retrying succeeds. */
export const databaseBusy = () =>
  new DomainError(503, 'the database was busy with a conflicting change: the changes of this step were rolled back, try again', {
    error: 'database_busy',
    retryable: true,
  })

/** What may be said of a database error: its SQLSTATE and constraint, never the query, its parameters or the row. */
export interface DatabaseFault { code: string, constraint?: string }

/**
 * The database error an error is or wraps (Drizzle's DrizzleQueryError carries the query and
 * its parameters, with the driver's error as `cause`), as a DatabaseFault, or null. Pure.
 */
export function databaseFault(error: unknown): DatabaseFault | null {
  for (
    let e = error as { code?: unknown, constraint?: unknown, severity?: unknown, cause?: unknown } | undefined, depth = 0;
    e && typeof e === 'object' && depth < 6;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string') {
      return { code: e.code, ...(typeof e.constraint === 'string' && e.constraint ? { constraint: e.constraint } : {}) }
    }
  }
  return null
}

/** A log line for a database fault: `database error 23505 (users_login_email_uq)`. Pure. */
export const describeFault = (fault: DatabaseFault) => `database error ${fault.code}${fault.constraint ? ` (${fault.constraint})` : ''}`

/** An error as a log may show it: a database error by its SQLSTATE and constraint only, anything else by its message. Pure. */
export function loggable(error: unknown): string {
  const fault = databaseFault(error)
  if (fault) return describeFault(fault)
  return error instanceof Error ? error.message : String(error)
}

/** 409 for a unique violation (23505): the record exists already (never saying which values clashed). */
export const duplicate = () => new DomainError(409, 'this conflicts with an existing record', { error: 'duplicate' })

/** Whether an error is (or wraps) a unique violation. Pure. */
export const isUniqueViolation = (error: unknown) => databaseFault(error)?.code === '23505'

/**
 * Rewrites an error the HTTP layer is about to log and answer (h3's wrapper, with the original
 * as `cause`) when it is a database error: message and stack by SQLSTATE and constraint only,
 * the cause (the query, its parameters, the driver's `detail` with the row) dropped; a unique
 * violation becomes a 409. Answers whether it was one. Mutates `error`.
 */
export function scrubDatabaseError(error: {
  message: string
  stack?: string
  cause?: unknown
  statusCode?: number
  statusMessage?: string
  unhandled?: boolean
  data?: unknown
}): boolean {
  const fault = databaseFault(error)
  if (!fault) return false
  const cause = error.cause as { stack?: unknown } | undefined
  const frames = String(cause?.stack ?? '')
    .split('\n')
    .filter(line => /^\s+at /.test(line))
  error.message = describeFault(fault)
  error.stack = [`DatabaseError: ${error.message}`, ...frames].join('\n')
  error.cause = undefined
  if (fault.code === '23505') {
    error.statusCode = 409
    error.statusMessage = 'this conflicts with an existing record'
    error.unhandled = false
    error.data = { error: 'duplicate' }
  }
  return true
}
