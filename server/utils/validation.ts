import type { H3Event } from 'h3'
import type { z } from 'zod'

/** A zod issue as the API reports it: `{ path: 'subject.dealId', message }`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]) {
  return issues.map(issue => ({ path: issue.path.map(String).join('.'), message: issue.message }))
}

/** Parses with a zod schema; on bad input throws 400 `validation` with `data.issues` (docs/api.md, "400 validation issues"). */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (!result.success) {
    throw createError({ statusCode: 400, statusMessage: 'validation', data: { issues: formatIssues(result.error.issues) } })
  }
  return result.data
}

// h3's readValidatedBody & co. wrap any error thrown by the validator in their own
// "Validation Error", which would hide the `{ issues }` shape docs/api.md promises; these keep it.

export async function readValidated<S extends z.ZodType>(event: H3Event, schema: S): Promise<z.output<S>> {
  return parseWith(schema, await readBody(event))
}

export function queryValidated<S extends z.ZodType>(event: H3Event, schema: S): z.output<S> {
  return parseWith(schema, getQuery(event))
}

export function paramsValidated<S extends z.ZodType>(event: H3Event, schema: S): z.output<S> {
  return parseWith(schema, getRouterParams(event, { decode: true }))
}
