import { asc, desc, sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import { isUuid, KEY_VALUE_TYPES, type KeyValueType } from '../cursor'

/** Keyset paging by (a sort key, id): cursors are opaque `[value, id]` pairs. */
export const encodeKey = (value: string, id: string) => Buffer.from(JSON.stringify([value, id])).toString('base64url')

export function decodeKey(cursor: string | undefined): [string, string] | null {
  if (!cursor) return null
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown
    return Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string'
      && isUuid(parsed[1]) && KEY_VALUE_TYPES.text(parsed[0])
      ? [parsed[0], parsed[1]]
      : null
  }
  catch {
    return null
  }
}

/** One way a list can be sorted: a key expression, its direction and the SQL type its cursor value has. */
export interface KeysetSort {
  key: SQL
  dir: 'asc' | 'desc'
  type: Exclude<KeyValueType, 'date'>
}

/** The sort's cursor, if it is one this sort handed out (a cursor of another sort starts over). */
export function decodeSortKey(sort: KeysetSort, cursor: string | undefined): [string, string] | null {
  const key = decodeKey(cursor)
  return key && KEY_VALUE_TYPES[sort.type](key[0]) ? key : null
}

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
  return sort.dir === 'asc'
    ? sql`(${sort.key}, ${id}) > (${value}, ${cursor[1]}::uuid)`
    : sql`(${sort.key}, ${id}) < (${value}, ${cursor[1]}::uuid)`
}

/** The sort key as text, for the cursor of the page's last row. */
export const keysetValue = (sort: KeysetSort) => sql<string>`(${sort.key})::text`

/** `%term%` for ILIKE, with the pattern characters escaped. */
export const containing = (term: string) => `%${term.replace(/[\\%_]/g, c => `\\${c}`)}%`

export function pageOf<T extends { id: string }>(rows: T[], limit: number, keyOf: (row: T) => string) {
  const data = rows.slice(0, limit)
  const last = data[data.length - 1]
  return { data, nextCursor: rows.length > limit && last ? encodeKey(keyOf(last), last.id) : null }
}

/** A page of rows selected with a `key` column (the keyset value), the key removed from the answer. */
export function keysetPage<T extends { id: string, key: string }>(rows: T[], limit: number) {
  const page = pageOf(rows, limit, r => r.key)
  return { data: page.data.map(({ key: _key, ...row }) => row), nextCursor: page.nextCursor }
}
