import { asc, desc, sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import { storable } from '../security/body'

/** A UUID as PostgreSQL's uuid type reads it (8-4-4-4-12 hex digits). */
export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)

/** Whether a keyset cursor's sort value can be read as the SQL type the sort compares it as. Pure. */
export const KEY_VALUE_TYPES = {
  text: (v: string) => v.length <= 1000 && storable(v),
  // `(timestamptz)::text`, as the lists write it: 2026-11-02 10:00:00.123+00 (or an ISO string).
  timestamptz: (v: string) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)?$/.exec(v)
    if (!match || Number(match[1]) < 1) return false
    const wall = `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}`
    const at = new Date(`${wall}Z`)
    return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(wall)
  },
  date: (v: string) =>
    /^\d{4}-\d{2}-\d{2}$/.test(v) && Number(v.slice(0, 4)) >= 1 && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
  numeric: (v: string) => /^-?\d{1,20}(\.\d{1,20})?$/.test(v),
} as const
export type KeyValueType = keyof typeof KEY_VALUE_TYPES

/**
 * Keyset paging, the one cursor of the API: a page's cursor is its last row's sort value and id,
 * `[value, id]` as base64url JSON, opaque to clients. Each list declares its sorts as KeysetSorts
 * (the sorted expression, its direction and SQL type); the value is written by the database
 * (`keysetValue`) and checked as that type before it is read back, so a forged cursor is a 400.
 */
export type Key = [value: string, id: string]

export const encodeKey = (value: string, id: string) => Buffer.from(JSON.stringify([value, id])).toString('base64url')

/** The row ids a list can be paged by: UUIDs, or (the audit log) a bigserial. */
const ID_TYPES = { uuid: isUuid, bigint: (s: string) => /^[1-9]\d{0,17}$/.test(s) } as const
export type IdType = keyof typeof ID_TYPES

/** The cursor's value and id, or null when it is not one this API hands out for a sort of that type. */
export function decodeKey(cursor: string | undefined, type: KeyValueType = 'text', idType: IdType = 'uuid'): Key | null {
  if (!cursor) return null
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') return null
    const [value, id] = parsed as Key
    return ID_TYPES[idType](id) && KEY_VALUE_TYPES.text(value) && KEY_VALUE_TYPES[type](value) ? [value, id] : null
  }
  catch {
    return null
  }
}

/** One way a list can be sorted: a key expression, its direction and the SQL type its cursor value has. */
export interface KeysetSort {
  key: SQL
  dir: 'asc' | 'desc'
  type: KeyValueType
  /** The type of the id that breaks ties (default uuid). */
  idType?: IdType
}

/** The sort in the caller's direction (`dir`), else its usual one. */
export const inDirection = (sort: KeysetSort, dir?: 'asc' | 'desc'): KeysetSort => (dir ? { ...sort, dir } : sort)

/** Newest first by a time column: the events' and notifications' order. */
export const newestFirst = (column: SQLWrapper): KeysetSort => ({ key: sql`${column}`, dir: 'desc', type: 'timestamptz' })

/** The sort's cursor, if it is one this sort handed out (a cursor of another sort starts over). */
export const decodeSortKey = (sort: Pick<KeysetSort, 'type' | 'idType'>, cursor: string | undefined) =>
  decodeKey(cursor, sort.type, sort.idType)

/**
 * A list query's check (a zod `superRefine`) that its cursor is one its sort handed out: 400
 * naming `cursor` otherwise, before the database would be asked to read the value as the sort's type.
 */
export function cursorOfSort<S extends string>(sorts: Record<S, KeysetSort>, fallback: NoInfer<S>) {
  return (
    query: { sort?: S, cursor?: string },
    ctx: { addIssue: (issue: { code: 'custom', path: string[], message: string }) => void },
  ) => {
    if (query.cursor !== undefined && !decodeSortKey(sorts[query.sort ?? fallback], query.cursor)) {
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'not a cursor this API returned for this sort' })
    }
  }
}

/** ORDER BY for the sort, the id breaking ties in the same direction. */
export const keysetOrder = (sort: KeysetSort, id: SQLWrapper): SQL[] =>
  sort.dir === 'asc' ? [asc(sort.key), asc(id as SQL)] : [desc(sort.key), desc(id as SQL)]

/** Rows after the cursor in the sort's order. */
export function keysetAfter(sort: KeysetSort, id: SQLWrapper, cursor: [string, string]): SQL {
  const value = sql`${cursor[0]}::${sql.raw(sort.type)}`
  const after = sql`${cursor[1]}::${sql.raw(sort.idType ?? 'uuid')}`
  return sort.dir === 'asc' ? sql`(${sort.key}, ${id}) > (${value}, ${after})` : sql`(${sort.key}, ${id}) < (${value}, ${after})`
}

/** The sort key as text, for the cursor of the page's last row. */
export const keysetValue = (sort: KeysetSort) => sql<string>`(${sort.key})::text`

/** `%term%` for ILIKE, with the pattern characters escaped. */
export const containing = (term: string) => `%${term.replace(/[\\%_]/g, c => `\\${c}`)}%`

/** The first `limit` rows (one more was read to know whether a next page exists) and the next page's cursor. */
export function pageOf<T extends { id: string | number }>(rows: T[], limit: number, keyOf: (row: T) => string) {
  const data = rows.slice(0, limit)
  const last = data[data.length - 1]
  return { data, nextCursor: rows.length > limit && last ? encodeKey(keyOf(last), String(last.id)) : null }
}

/** A page of rows selected with a `key` column (the keyset value), the key removed from the answer. */
export function keysetPage<T extends { id: string | number, key: string }>(rows: T[], limit: number) {
  const page = pageOf(rows, limit, r => r.key)
  return { data: page.data.map(({ key: _key, ...row }) => row), nextCursor: page.nextCursor }
}
