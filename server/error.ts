import type { H3Error } from 'h3'
import { defineNitroErrorHandler } from 'nitropack/runtime'
import { databaseFault, describeFault } from './domain/errors'

/**
 * The first of the server's error handlers (Nuxt's renders the answer after it): an error from
 * the database must not reach the log as Drizzle words it — the query with its parameters
 * (emails, password hashes, imported cells) — nor with the driver's error (its `detail` holds
 * the clashing row). It is logged by its SQLSTATE and constraint only; a unique violation that
 * got this far answers 409, not 500.
 */
export default defineNitroErrorHandler((error: H3Error) => {
  const fault = databaseFault(error)
  if (!fault) return
  const frames = (typeof error.cause === 'object' && error.cause && 'stack' in error.cause ? String(error.cause.stack) : '')
    .split('\n').filter(line => /^\s+at /.test(line))
  error.message = describeFault(fault)
  error.stack = [`DatabaseError: ${error.message}`, ...frames].join('\n')
  error.cause = undefined
  if (fault.code === '23505') {
    error.statusCode = 409
    error.statusMessage = 'this conflicts with an existing record'
    error.unhandled = false
    error.data = { error: 'duplicate' }
  }
})
