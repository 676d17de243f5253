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
export const badRequest = (path: string, message: string) =>
  new DomainError(400, 'validation', { issues: [{ path, message }] })
