import { badRequest, DomainError } from '../core/errors'

/**
 * Request bodies: the checks every body passes before a route reads it (size, media type, UTF-8,
 * JSON syntax and nesting). Pure; what each route takes is declared in its meta (see
 * server/openapi/routes.ts `bodyLimitFor`), and the middleware (server/middleware/03.body.ts)
 * applies both.
 */

const MB = 1024 * 1024

export interface BodyLimit {
  maxBytes: number
  /** The route streams its body itself (multipart to disk): only the declared length is checked. */
  streamed?: boolean
}

/** The default for JSON bodies. */
export const DEFAULT_BODY_LIMIT: BodyLimit = { maxBytes: MB }

/** Media types h3 parses into fields rather than as JSON text. */
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data']

/** A media type without its parameters, lowercased (`''` when none is given). */
export const mediaType = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase()

/**
 * The checks a request body passes before any route reads it (pure; 03.body.ts applies them,
 * with `accepted` the media types the route declares it takes, if it declares any):
 * - a route that declares its media types takes only those (415 otherwise), JSON ones checked as JSON;
 * - any other route takes JSON: a form (urlencoded or multipart, which h3 would parse into
 *   fields past every JSON check) is refused with 415, and any other body — whatever its type
 *   says, h3 reads it as JSON text — passes the JSON checks (`checkJsonBody`).
 */
export function checkBodyAs(accepted: readonly string[] | undefined, contentType: string, raw: Uint8Array): void {
  if (!raw.length) return
  const type = mediaType(contentType)
  if (accepted) {
    if (!accepted.includes(type) && !(accepted.includes('application/json') && isJsonType(type))) throw unsupported(type, accepted)
    if (isJsonType(type)) checkJsonBody(raw)
    return
  }
  if (FORM_TYPES.includes(type)) throw unsupported(type, ['application/json'])
  checkJsonBody(raw)
}

const unsupported = (type: string, accepted: readonly string[]) =>
  new DomainError(415, `this route takes ${accepted.join(', ')} bodies, not ${type}`, { accepts: [...accepted] })

const megabytes = (bytes: number) => `${Math.round((bytes / MB) * 10) / 10} MB`

export const tooLarge = (maxBytes: number) =>
  new DomainError(413, `the request body is larger than this route takes (${megabytes(maxBytes)})`, { maxBytes })

const invalid = (message: string) => badRequest('body', message)

/** The deepest JSON nesting a body may have (the app's own documents nest 3-4 levels). */
export const MAX_JSON_DEPTH = 32

/** How deeply a JSON text nests arrays and objects, scanning the text once (no recursion). */
export function jsonDepth(text: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    }
    else if (c === 34) inString = true
    else if (c === 123 || c === 91) max = Math.max(max, ++depth)
    else if (c === 125 || c === 93) depth--
  }
  return max
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Media types whose bodies are checked as text (UTF-8) and, for JSON, parsed here first. */
export function isJsonType(contentType: string) {
  const type = mediaType(contentType)
  return type === '' || type === 'application/json' || type.endsWith('+json')
}

/**
 * Checks a JSON body: UTF-8, valid JSON, nested at most MAX_JSON_DEPTH deep, no string that the
 * database cannot store (NUL, unpaired surrogates). Throws 400 `validation` otherwise, naming
 * `body` or the field. An empty body passes (the route's schema decides).
 */
export function checkJsonBody(raw: Uint8Array): void {
  if (!raw.length) return
  let text: string
  try {
    text = utf8.decode(raw)
  }
  catch {
    throw invalid('the body is not valid UTF-8')
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw invalid(`the body nests deeper than ${MAX_JSON_DEPTH} levels`)
  let value: unknown
  try {
    value = JSON.parse(text)
  }
  catch (error) {
    throw invalid(`the body is not valid JSON (${(error as Error).message.replace(/\s+/g, ' ').slice(0, 120)})`)
  }
  // Only escapes can carry these into a string (the bytes are valid UTF-8): look closer only then.
  if (SUSPECT_ESCAPE.test(text)) {
    const bad = unstorablePath(value)
    if (bad !== null) throw badRequest(bad, 'contains a character that cannot be stored (U+0000 or an unpaired surrogate)')
  }
}

const SUSPECT_ESCAPE = /\\u(0000|d[89a-f])/i

/** Whether a string can be stored in PostgreSQL text and jsonb: no NUL, no unpaired surrogate. */
export const storable = (s: string) => s.isWellFormed() && !s.includes('\0')

/** The string made storable: unpaired surrogates replaced, NULs dropped (for mail we must take as it comes). */
export const toStorable = (s: string) => s.toWellFormed().replaceAll('\0', '')

/** The path of the first string (value or key) that cannot be stored, or null. Iterative. */
export function unstorablePath(value: unknown): string | null {
  const stack: { value: unknown, path: string[] }[] = [{ value, path: [] }]
  while (stack.length) {
    const { value: v, path } = stack.pop()!
    if (typeof v === 'string') {
      if (!storable(v)) return path.join('.') || 'body'
    }
    else if (v && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        if (!storable(key)) return [...path, '(a key)'].join('.')
        stack.push({ value: child, path: [...path, key] })
      }
    }
  }
  return null
}

/** The name of the first query parameter whose name or value (or one of its values) cannot be stored, or null. Pure. */
export function unstorableQuery(query: Record<string, unknown>): string | null {
  for (const [name, value] of Object.entries(query)) {
    if (!storable(name)) return '(a parameter name)'
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string' && !storable(v)) return name
    }
  }
  return null
}
