/**
 * An error the HTTP layer shows as is: h3 copies `statusCode`, `statusMessage` and `data` from a
 * thrown error into its response, so the domain can say 404 or 409 without importing h3.
 */
export class DomainError extends Error {
  constructor(public statusCode: number, public statusMessage: string, public data?: Record<string, unknown>) {
    super(statusMessage)
    this.name = 'DomainError'
  }
}

export const notFound = (what: string) => new DomainError(404, `${what} not found`)
export const conflict = (message: string, data?: Record<string, unknown>) => new DomainError(409, message, data)
export const badRequest = (path: string, message: string) =>
  new DomainError(400, 'validation', { issues: [{ path, message }] })
