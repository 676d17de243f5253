import fc from 'fast-check'
import { expect } from 'vitest'
import type { Answer } from './http'

/** A JSON Schema as the OpenAPI document carries it (from the routes' zod schemas). */
export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  maxLength?: number
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  [key: string]: unknown
}

export interface Endpoint {
  /** `METHOD /api/v1/path` with `[param]` segments, as the route files name it. */
  route: string
  method: string
  pattern: string
  body?: JsonSchema
  multipart: boolean
  query: string[]
}

interface Operation {
  requestBody?: { content: Record<string, { schema: JsonSchema }> }
  parameters?: { name: string, in: string }[]
}

/** The /api/v1 endpoints with their request schemas, from the served OpenAPI document. */
export function endpointsOf(document: { paths: Record<string, Record<string, Operation>> }): Endpoint[] {
  return Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => {
    const pattern = path.replace(/\{(\w+)\}/g, '[$1]')
    const content = operation.requestBody?.content ?? {}
    return {
      route: `${method.toUpperCase()} ${pattern}`,
      method: method.toUpperCase(),
      pattern,
      body: content['application/json']?.schema ?? content['multipart/form-data']?.schema,
      multipart: Boolean(content['multipart/form-data']),
      query: (operation.parameters ?? []).filter(p => p.in === 'query').map(p => p.name),
    }
  }))
}

/** Strings that break naive code: empty, whitespace, huge, control and astral characters, lone surrogates, SQL and HTML. */
export const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\uD800', '\uDFFF', '💥'.repeat(300), 'null', 'undefined', 'NaN', '-1', '1e309', '0x10',
    '\'; drop table deals; --', '<script>alert(1)</script>', '../../etc/passwd', '%00', '%E0%A4%A', '__proto__', 'constructor',
    '2026-02-30T25:61:00Z', '00000000-0000-0000-0000-000000000000', 'a'.repeat(10_000)),
  fc.string({ minLength: 300, maxLength: 2000 }),
)

/** Any JSON value, including the nasty strings, big and odd numbers, and moderately deep nesting. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec(tie => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    nastyString,
    fc.double(),
    fc.integer(),
    fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 1e308, 2 ** 31, -(2 ** 63)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 4 }),
  ),
})).value

const typesOf = (schema: JsonSchema): string[] | null => {
  if (schema.anyOf || schema.oneOf || schema.type === undefined) return null
  return Array.isArray(schema.type) ? schema.type : [schema.type]
}

/** A JSON value of none of these JSON types. */
function valueNotOf(types: string[]): fc.Arbitrary<unknown> {
  const numberish = types.includes('number') || types.includes('integer')
  const options: fc.Arbitrary<unknown>[] = [
    ...(types.includes('string') ? [] : [nastyString]),
    ...(numberish ? [] : [fc.double({ noNaN: true })]),
    ...(types.includes('boolean') ? [] : [fc.boolean()]),
    ...(types.includes('null') ? [] : [fc.constant(null)]),
    ...(types.includes('array') ? [] : [fc.array(fc.integer(), { maxLength: 3 })]),
    ...(types.includes('object') ? [] : [fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 })]),
  ]
  return fc.oneof(...options)
}

const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype']

/**
 * A body that the route's schema must refuse, with the defect that guarantees it: a required
 * field missing, a field of the wrong JSON type, a string past its maximum length, an unknown
 * field where none is allowed, or no object at all. The other fields hold anything.
 */
export function defectiveBody(schema: JsonSchema): fc.Arbitrary<{ body: unknown, defect: string }> {
  const properties = schema.properties ?? {}
  const keys = Object.keys(properties)
  const base = (keys.length
    ? fc.record(Object.fromEntries(keys.map(k => [k, anyJson])), { requiredKeys: [] })
    : fc.constant({})) as fc.Arbitrary<Record<string, unknown>>
  const defects: fc.Arbitrary<{ body: unknown, defect: string }>[] = [
    fc.oneof(fc.array(anyJson, { maxLength: 3 }), nastyString, fc.double(), fc.boolean())
      .map(body => ({ body, defect: 'not an object' })),
  ]
  for (const key of schema.required ?? []) {
    defects.push(base.map(b => ({ body: Object.fromEntries(Object.entries(b).filter(([k]) => k !== key)), defect: `missing ${key}` })))
  }
  for (const key of keys) {
    const types = typesOf(properties[key]!)
    if (types)
      defects.push(fc.tuple(base, valueNotOf(types)).map(([b, v]) => ({ body: { ...b, [key]: v }, defect: `${key} of the wrong type` })))
    const max = properties[key]!.maxLength
    if (typeof max === 'number' && types?.length === 1 && types[0] === 'string' && max < 100_000) {
      defects.push(
        fc
          .tuple(base, fc.integer({ min: 1, max: 64 }))
          .map(([b, extra]) => ({ body: { ...b, [key]: 'x'.repeat(max + extra) }, defect: `${key} too long` })),
      )
    }
  }
  if (schema.additionalProperties === false) {
    const unknownKey = fc.string({ minLength: 1, maxLength: 10 }).filter(k => !keys.includes(k) && !RESERVED_KEYS.includes(k))
    defects.push(fc.tuple(base, unknownKey, anyJson).map(([b, k, v]) => ({ body: { ...b, [k]: v }, defect: `unknown field ${k}` })))
  }
  return fc.oneof(...defects)
}

/** Anything at all in the shape of the schema's fields, and unknown ones (no promise it is wrong). */
export function randomBody(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const keys = Object.keys(schema?.properties ?? {})
  const shaped = keys.length
    ? fc.record(Object.fromEntries(keys.map(k => [k, anyJson])), { requiredKeys: [] })
        .chain(b => fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), anyJson, { maxKeys: 3 }).map(extra => ({ ...extra, ...b })))
    : fc.dictionary(nastyString, anyJson, { maxKeys: 5 })
  return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: anyJson })
}

/** Query strings: the route's parameters and unknown ones with nasty values (some repeated, some badly escaped). */
export function badQuery(names: string[]): fc.Arbitrary<string> {
  const keys = [...names, 'limit', 'cursor', 'q']
  const encoded = nastyString.map(v => encodeURIComponent(v.toWellFormed()))
  const pair = fc.tuple(
    fc.oneof(
      fc.constantFrom(...keys),
      fc.string({ maxLength: 10 }).map(k => encodeURIComponent(k.toWellFormed())),
      fc.constant('%00'),
    ),
    fc.oneof(encoded, fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%ED%A0%80', '%FF%FE', '', ...RAW_QUERY_VALUES)),
  )
  return fc.array(pair, { maxLength: 6 }).map(pairs => pairs.map(([k, v]) => `${k}=${v}`).join('&'))
}

/** Query values percent-encoded as they are: NUL (plain and overlong), broken escapes, astral characters, huge. */
const RAW_QUERY_VALUES = [
  '%00',
  'a%00b',
  '%00%00',
  '%C0%80',
  '%F0%9F%92%A5',
  '%E2%80%AE',
  '%EF%BB%BF',
  'Zo%C3%AB',
  'x'.repeat(6000),
  '%'.repeat(50),
]

const b64 = (text: string) => Buffer.from(text).toString('base64url')
const SOME_UUID = '6a1f1f1f-1f1f-4f1f-8f1f-1f1f1f1f1f1f'
const BAD_IDS = ['-'.repeat(36), `${'g'.repeat(8)}-0000-0000-0000-000000000000`, '00000000-0000-0000-0000-000000000000', SOME_UUID]
const EXTREME_TIMES = [
  '0000-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '+010000-01-01T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00.000Z',
  '1899-12-31T23:59:59.999Z',
  '2026-02-30T00:00:00.000Z',
]
const EXTREME_KEYS = [
  '0000-01-01 00:00:00+00',
  '9999-12-31 23:59:59+00',
  '10000-01-01 00:00:00+00',
  '2026-02-30',
  '0000-01-01',
  '1e999',
  'NaN',
  '-0',
  '9'.repeat(40),
  '\u0000',
  '',
  'x'.repeat(1200),
]

/** Values at the edges of what the API takes: years 0000, 9999 and 10000, periods past either end, big and odd numbers. */
export const EXTREME_VALUES = [
  '0000-01-01',
  '9999-12-31',
  '10000-01-01',
  '1899-12-31',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '9999-12-31T23:00:00-05:00',
  '10000-01-01T00:00:00Z',
  '9999-Q4',
  '9999-12',
  '0000-Q1',
  '0000-01',
  '1900-Q1',
  '9999-Q3',
  '1e20',
  '1e999',
  '-1',
  '0',
  '9007199254740993',
  '100000000000000000000',
  '-9223372036854775809',
  'NaN',
  'Infinity',
  '0x10',
]

/** Cursors of the right shape — `[value, id]` JSON or `time|id`, base64url — with values out of range: years, ids, numbers. */
export const shapeValidCursor: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...EXTREME_TIMES), fc.constantFrom(...BAD_IDS)).map(([at, id]) => b64(`${at}|${id}`)),
  fc
    .tuple(fc.constantFrom(...EXTREME_KEYS, ...EXTREME_TIMES), fc.constantFrom(...BAD_IDS))
    .map(([value, id]) => b64(JSON.stringify([value, id]))),
  fc.constantFrom(
    b64(JSON.stringify(['x', SOME_UUID, 'extra'])),
    b64(JSON.stringify([1, SOME_UUID])),
    b64(`${EXTREME_TIMES[0]}|${SOME_UUID}|x`),
    b64('|'),
    b64('[]'),
  ),
)

/** Query strings with the route's parameters (and cursor, limit) at their extremes. */
export function extremeQuery(names: string[]): fc.Arbitrary<string> {
  const keys = [...new Set([...names, 'limit', 'cursor', 'from', 'to', 'period'])]
  const value = fc.oneof(fc.constantFrom(...EXTREME_VALUES), shapeValidCursor, fc.constantFrom(...RAW_QUERY_VALUES))
  return fc.array(fc.tuple(fc.constantFrom(...keys), value), { minLength: 1, maxLength: 4 })
    .map(pairs => pairs.map(([k, v]) => `${k}=${v}`).join('&'))
}

/** Bodies of media types other than JSON, holding what the JSON checks refuse (NUL, deep nesting, invalid UTF-8). */
export const nonJsonBody: fc.Arbitrary<{ body: Uint8Array, contentType: string, why: string }> = fc
  .tuple(
    fc.constantFrom(
      'application/octet-stream',
      'application/x-www-form-urlencoded',
      'text/plain',
      'text/plain; charset=utf-8',
      'multipart/form-data; boundary=fuzz',
      'application/xml',
      'application/x-ndjson',
    ),
    fc.oneof(
      fc.constant('{"name":"Nul\\u0000Co","amount":1}'),
      fc.integer({ min: 33, max: 5000 }).map(n => `{"name":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`),
      fc.integer({ min: 33, max: 20_000 }).map(n => '['.repeat(n) + ']'.repeat(n)),
      fc.constant('name=Nul%00Co&amount=1'),
      fc.constant('--fuzz\r\nContent-Disposition: form-data; name="name"\r\n\r\nNul\u0000Co\r\n--fuzz--\r\n'),
      fc
        .uint8Array({ minLength: 1, maxLength: 64 })
        .map(bytes => Buffer.concat([Buffer.from([0xc3, 0x28, 0xff]), bytes]).toString('latin1')),
    ),
  )
  .map(([contentType, text]) => ({ body: Buffer.from(text, 'latin1'), contentType, why: `${contentType.split(';')[0]} body` }))

/** Path segments that are not the id a route wants. */
export const badSegment = fc.oneof(
  fc.uuid(),
  fc.constantFrom(
    '0',
    '-1',
    'null',
    'undefined',
    '%20',
    'x'.repeat(300),
    '%E0%A4%A',
    '%ED%A0%80',
    '%2e%2e',
    '%2F',
    '00000000-0000-0000-0000-000000000000',
  ),
  // Not '.' or '..': fetch resolves those into another path before sending.
  fc
    .string({ minLength: 1, maxLength: 40 })
    .filter(s => s !== '.' && s !== '..')
    .map(s => encodeURIComponent(s.toWellFormed())),
)

/** Raw bodies that are not JSON a route can take: invalid UTF-8, broken syntax, deep nesting, odd types. */
export const rawBadBody: fc.Arbitrary<{ body: Uint8Array, contentType: string, why: string }> = fc.oneof(
  fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map(bytes => ({
      body: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), bytes, Buffer.from('"}')]),
      contentType: 'application/json',
      why: 'invalid UTF-8',
    })),
  fc
    .string({ minLength: 1, maxLength: 200 })
    .filter((s) => {
      try {
        JSON.parse(s)
        return false
      }
      catch {
        return true
      }
    })
    .map(s => ({ body: Buffer.from(s), contentType: 'application/json', why: 'not JSON' })),
  fc
    .integer({ min: 33, max: 20_000 })
    .map(n => ({ body: Buffer.from('['.repeat(n) + ']'.repeat(n)), contentType: 'application/json', why: 'deep nesting' })),
  fc
    .integer({ min: 33, max: 5_000 })
    .map(n => ({
      body: Buffer.from(`{"name":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`),
      contentType: 'application/json',
      why: 'deep nesting in a field',
    })),
  fc.constantFrom(
    { body: Buffer.from('{"a":1'), contentType: 'application/json', why: 'truncated' },
    { body: Buffer.from('\uFEFF{}'), contentType: 'application/json', why: 'byte-order mark' },
    { body: Buffer.from('a=1&b=%E0%A4%A'), contentType: 'application/x-www-form-urlencoded', why: 'form with a broken escape' },
    { body: Buffer.from('<xml/>'), contentType: 'application/xml', why: 'xml' },
    { body: Buffer.from('plain words'), contentType: 'text/plain', why: 'text' },
    {
      body: Buffer.from('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--'),
      contentType: 'multipart/form-data; boundary=x',
      why: 'multipart',
    },
    {
      body: Buffer.from('{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'),
      contentType: 'application/json',
      why: 'prototype keys',
    },
  ),
)

/** The answer is a client error that says what is wrong: never a 5xx, never a bare status. */
export function expectClearRefusal(answer: Answer, context: string) {
  expect(answer.status, `${context}: ${JSON.stringify(answer.body)?.slice(0, 300)}`).toBeGreaterThanOrEqual(400)
  expect(answer.status, `${context}: ${JSON.stringify(answer.body)?.slice(0, 300)}`).toBeLessThan(500)
  const message = typeof answer.body === 'object' && answer.body ? answer.body.statusMessage ?? answer.body.message : answer.body
  expect(typeof message === 'string' && message.length > 0, `${context}: no message in ${JSON.stringify(answer.body)?.slice(0, 200)}`).toBe(
    true,
  )
  if (answer.status === 400 && answer.body?.statusMessage === 'validation') {
    const issues = answer.body.data?.issues
    expect(Array.isArray(issues) && issues.length > 0, `${context}: validation without issues`).toBe(true)
    for (const issue of issues) {
      expect(typeof issue.path, context).toBe('string')
      expect(typeof issue.message === 'string' && issue.message.length > 0, context).toBe(true)
    }
  }
}

/** The fixed seed and run count (FUZZ_SEED / FUZZ_RUNS change them for a longer hunt). */
export const FUZZ = {
  seed: Number(process.env.FUZZ_SEED ?? 20261201),
  numRuns: Number(process.env.FUZZ_RUNS ?? 20),
}

/** Strings a schema may accept that still trip code up: NUL, unpaired surrogates, emoji, markup, quotes. */
const TRICKY = ['\u0000', '\uD800', '\uDFFF', '💥', 'Zoë', '<b>', '\'"', '\\', '%00', '\u202E', ' ', '\n']

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0
  const max = Math.min(typeof schema.maxLength === 'number' ? schema.maxLength : 300, 2000)
  switch (schema.format) {
    case 'uuid':
      return fc.uuid()
    case 'email':
      return fc.tuple(fc.constantFrom('a', 'zoë', 'o\'brien', 'x+tag'), fc.constantFrom('fuzz.test', 'ex.com')).map(([l, d]) => `${l}@${d}`)
    case 'date-time':
      return fc.oneof(
        {
          weight: 4,
          arbitrary: fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map(d => d.toISOString()),
        },
        fc.constantFrom(
          '0000-01-01T00:00:00Z',
          '9999-12-31T23:59:59Z',
          '9999-12-31T23:00:00-05:00',
          '1900-01-01T00:00:00+01:00',
          '0001-01-01T00:00:00Z',
        ),
      )
    case 'date':
      return fc.oneof(
        {
          weight: 4,
          arbitrary: fc
            .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
            .map(d => d.toISOString().slice(0, 10)),
        },
        fc.constantFrom('0000-01-01', '9999-12-31', '1899-12-31', '1900-01-01', '0001-01-01'),
      )
  }
  if (typeof schema.pattern === 'string') {
    try {
      // Periods (2026-Q4, 2026-11): their extremes too.
      if (new RegExp(schema.pattern).test('9999-Q4'))
        return fc.oneof(
          fc.stringMatching(new RegExp(schema.pattern)),
          fc.constantFrom('9999-Q4', '9999-12', '0000-Q1', '0000-01', '9999-Q3'),
        )
      return fc.stringMatching(new RegExp(schema.pattern)).filter(s => s.length >= min && s.length <= max)
    }
    catch { /* a pattern JavaScript cannot read: plain strings */ }
  }
  const tricky = fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...TRICKY), fc.string({ maxLength: 8 }))
    .map(([a, t, b]) => a + t + b)
  return fc
    .oneof(fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, 40)) }), tricky, fc.constant('x'.repeat(Math.max(min, max))))
    .map(s => (s.length < min ? s.padEnd(min, 'x') : s.slice(0, max)))
}

/**
 * A body the schema accepts, as far as its JSON Schema tells (types, enums, formats, lengths,
 * ranges, required fields), with tricky content in its strings: for finding the 5xx that only
 * well-formed input reaches.
 */
export function validBody(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.constant(null)
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined
  if (branches?.length) return fc.oneof(...branches.map(b => validBody(b, depth + 1)))
  if (Array.isArray(schema.enum) && schema.enum.length) return fc.constantFrom(...schema.enum)
  if ('const' in schema) return fc.constant(schema.const)
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []
  if (types.length > 1) return fc.oneof(...types.map(type => validBody({ ...schema, type }, depth)))
  const num = (integer: boolean) => {
    const min = typeof schema.minimum === 'number'
      ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : -1e9
    const max = typeof schema.maximum === 'number'
      ? schema.maximum
      : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : 1e9
    return integer
      ? fc.integer({ min: Math.ceil(Math.max(min, -(2 ** 31))), max: Math.floor(Math.min(max, 2 ** 31)) })
      : fc.double({ min, max, noNaN: true, noDefaultInfinity: true })
  }
  switch (types[0]) {
    case 'string': return stringFor(schema)
    case 'integer': return num(true)
    case 'number': return num(false)
    case 'boolean': return fc.boolean()
    case 'null': return fc.constant(null)
    case 'array': {
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0
      return fc.array(validBody(schema.items as JsonSchema | undefined, depth + 1), {
        minLength: minItems,
        maxLength: Math.max(minItems, Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : 3, 3)),
      })
    }
    case 'object': {
      const properties = schema.properties ?? {}
      if (!Object.keys(properties).length) return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), anyJson, { maxKeys: 3 })
      return fc.record(Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, validBody(v, depth + 1)])), {
        requiredKeys: (schema.required ?? []).filter(k => k in properties),
      })
    }
    default: return anyJson
  }
}
