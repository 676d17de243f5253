import type { H3Error } from 'h3'
import { defineNitroErrorHandler } from 'nitropack/runtime'
import { scrubDatabaseError } from './domain/core/errors'

/**
 * The first of the server's error handlers (Nuxt's, which logs and renders the answer, comes
 * after it): an error from the database must not reach the log as Drizzle words it — the query
 * with its parameters (emails, password hashes, imported cells) — nor with the driver's error
 * (its `detail` holds the clashing row). It is logged by its SQLSTATE and constraint only; a
 * unique violation that got this far answers 409, not 500.
 */
export default defineNitroErrorHandler((error: H3Error) => {
  scrubDatabaseError(error)
})
