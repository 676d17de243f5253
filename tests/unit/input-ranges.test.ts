import { describe, expect, it } from 'vitest'
import { decodeKey, encodeKey, KEY_VALUE_TYPES } from '../../server/domain/core/paging'
import { IsoDateTime, IsoDay } from '../../server/domain/core/dates'
import { parsePeriod } from '../../shared/utils/periods'
import { unstorableQuery } from '../../server/domain/security/body'
import { checkBody } from '../../server/openapi/routes'

const uuid = '6a1f1f1f-1f1f-4f1f-8f1f-1f1f1f1f1f1f'
const b64 = (text: string) => Buffer.from(text).toString('base64url')

describe('dates the API takes', () => {
  it('are days and times in the years 1900 to 9999 (UTC), so the database can store them', () => {
    expect(IsoDay().safeParse('9999-12-31').success).toBe(true)
    expect(IsoDay().safeParse('1900-01-01').success).toBe(true)
    for (const day of ['0000-01-01', '1899-12-31', '10000-01-01']) expect(IsoDay().safeParse(day).success, day).toBe(false)
    expect(IsoDateTime().safeParse('2026-11-02T10:00:00Z').success).toBe(true)
    for (const at of ['0000-01-01T00:00:00Z', '9999-12-31T23:00:00-05:00', '1900-01-01T00:00:00+01:00'])
      expect(IsoDateTime().safeParse(at).success, at).toBe(false)
  })
})

describe('forecast periods', () => {
  it('start in 1900 or later and end by 9999-12-31', () => {
    expect(parsePeriod('9999-Q3')).toMatchObject({ start: '9999-07-01', end: '9999-10-01' })
    expect(parsePeriod('1900-01')).toMatchObject({ start: '1900-01-01', end: '1900-02-01' })
    for (const key of ['9999-Q4', '9999-12', '0000-Q1', '0099-01', '1899-Q4']) expect(parsePeriod(key), key).toBeNull()
  })
})

describe('cursors', () => {
  it('decode only times and ids the database reads back as they were written', () => {
    const at = '2026-11-02 10:00:00.123456+00'
    expect(decodeKey(encodeKey(at, uuid), 'timestamptz')).toEqual([at, uuid])
    expect(decodeKey(encodeKey('2026-11-02T10:00:00.123Z', uuid), 'timestamptz')).toEqual(['2026-11-02T10:00:00.123Z', uuid])
    for (const [value, id] of [
      ['0000-01-01T00:00:00.000Z', uuid],
      ['+275760-09-13T00:00:00.000Z', uuid],
      ['2026-02-30T00:00:00.000Z', uuid],
      ['2026-01-01T00:00:00.000Z', '-'.repeat(36)],
      ['2026-01-01T00:00:00.000Z', `${'g'.repeat(8)}-0000-0000-0000-000000000000`],
      ['Sat Jan 01 2000', uuid],
    ] as const) {
      expect(decodeKey(encodeKey(value, id), 'timestamptz'), value).toBeNull()
    }
    const malformed = [`2026-01-01T00:00:00.000Z|${uuid}`, JSON.stringify(['2026-01-01T00:00:00.000Z', uuid, 'x']), '{}', 'not json']
    for (const text of malformed) {
      expect(decodeKey(b64(text), 'timestamptz'), text).toBeNull()
    }
  })

  it('page the audit log by its bigserial id: a number as the id, never a uuid, zero or a number past bigint', () => {
    expect(decodeKey(encodeKey('42', '42'), 'numeric', 'bigint')).toEqual(['42', '42'])
    for (const id of [uuid, '0', '-1', '1'.repeat(19), '4.2']) expect(decodeKey(encodeKey('42', id), 'numeric', 'bigint'), id).toBeNull()
    expect(decodeKey(encodeKey('42', '42'), 'numeric'), 'a bigint id where a uuid is due').toBeNull()
  })

  it('take sort values only as the SQL type reads them', () => {
    expect(KEY_VALUE_TYPES.timestamptz('2026-11-02 10:00:00.123+00')).toBe(true)
    expect(KEY_VALUE_TYPES.timestamptz('2026-11-02T10:00:00Z')).toBe(true)
    for (const v of ['0000-01-01 00:00:00+00', '2026-02-30 00:00:00+00', 'yesterday', '+275760-09-13T00:00:00Z'])
      expect(KEY_VALUE_TYPES.timestamptz(v), v).toBe(false)
    expect(KEY_VALUE_TYPES.numeric('1250.50')).toBe(true)
    for (const v of ['1e999', 'NaN', '1'.repeat(30), '']) expect(KEY_VALUE_TYPES.numeric(v), v).toBe(false)
    expect(KEY_VALUE_TYPES.date('2026-02-28')).toBe(true)
    for (const v of ['2026-02-30', '0000-01-01', '2026-1-1']) expect(KEY_VALUE_TYPES.date(v), v).toBe(false)
    expect(KEY_VALUE_TYPES.text('Zoë')).toBe(true)
    expect(KEY_VALUE_TYPES.text('a\u0000')).toBe(false)
  })
})

describe('query strings and media types', () => {
  it('name the first query parameter (or value of a repeated one) the database could not store', () => {
    expect(unstorableQuery({ q: 'fine', limit: '5' })).toBeNull()
    expect(unstorableQuery({ q: 'a\u0000b' })).toBe('q')
    expect(unstorableQuery({ industry: ['ok', '\uD800'] })).toBe('industry')
    expect(unstorableQuery({ 'a\u0000': 'x' })).toBe('(a parameter name)')
  })
  it('refuse forms on JSON routes with 415 and check every other body as JSON, whatever its type says; '
    + 'routes that take more take only theirs', () => {
    const check = (path: string, type: string, body: string) => {
      try {
        checkBody('POST', path, type, Buffer.from(body))
        return null
      }
      catch (error) {
        return (error as { statusCode: number }).statusCode
      }
    }
    for (const type of ['application/json', 'application/merge-patch+json', '', 'text/plain;charset=UTF-8', 'application/octet-stream'])
      expect(check('/api/v1/deals', type, '{"name":"x"}'), type).toBeNull()
    for (const type of ['application/octet-stream', 'text/plain', 'application/xml'])
      expect(check('/api/v1/deals', type, `{"name":"a\\u0000"}`), type).toBe(400)
    expect(check('/api/v1/deals', 'application/octet-stream', '['.repeat(5000) + ']'.repeat(5000))).toBe(400)
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])
      expect(check('/api/v1/deals', type, 'name=a'), type).toBe(415)
    expect(check(`/api/webhooks/email/inbound/${uuid}?token=x`, 'message/rfc822', 'Subject: hi\r\n\r\nnot json')).toBeNull()
    expect(check(`/api/webhooks/email/inbound/${uuid}`, 'application/x-www-form-urlencoded', 'a=1')).toBeNull()
    expect(check(`/api/webhooks/email/inbound/${uuid}`, 'application/xml', '<x/>')).toBe(415)
    expect(check(`/api/webhooks/email/mailgun/${uuid}`, 'application/x-www-form-urlencoded', 'a=1')).toBe(415)
    expect(check('/api/v1/deals', 'application/octet-stream', '')).toBeNull()
  })
})
