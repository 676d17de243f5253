import type { H3Event } from 'h3'
import type { z } from 'zod'
import { badRequest, invalidInput } from '../domain/core/errors'
import { unstorableQuery } from '../domain/security/body'

/** A zod issue as the API reports it: `{ path: 'subject.dealId', message }`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]) {
  return issues.map(issue => ({ path: issue.path.map(String).join('.'), message: issue.message }))
}

/** Parses with a zod schema; on bad input throws 400 `validation` with `data.issues` (docs/api.md, "400 validation issues"). */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (!result.success) {
    throw invalidInput(formatIssues(result.error.issues))
  }
  return result.data
}

// h3's readValidatedBody & co. wrap any error thrown by the validator in their own
// "Validation Error", which would hide the `{ issues }` shape docs/api.md promises; these keep it.

export async function readValidated<S extends z.ZodType>(event: H3Event, schema: S): Promise<z.output<S>> {
  return parseWith(schema, await readBody(event))
}

/**
 * The query string parsed with a schema. First, whatever the schema: a value (or name) the
 * database could not store or compare — a NUL, an unpaired surrogate from a broken escape — is
 * refused with 400 naming the parameter (see `unstorableQuery`).
 */
export function queryValidated<S extends z.ZodType>(event: H3Event, schema: S): z.output<S> {
  const query = getQuery(event)
  const bad = unstorableQuery(query)
  if (bad !== null) throw badRequest(bad, 'contains a character that cannot be stored (U+0000 or an unpaired surrogate)')
  return parseWith(schema, query)
}

export function paramsValidated<S extends z.ZodType>(event: H3Event, schema: S): z.output<S> {
  return parseWith(schema, getRouterParams(event, { decode: true }))
}
