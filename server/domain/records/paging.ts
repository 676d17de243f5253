import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'

/** Keyset paging by (a text sort key, id): cursors are opaque `[value, id]` pairs. */
export const encodeKey = (value: string, id: string) => Buffer.from(JSON.stringify([value, id])).toString('base64url')

export function decodeKey(cursor: string | undefined): [string, string] | null {
  if (!cursor) return null
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown
    return Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string' ? [parsed[0], parsed[1]] : null
  }
  catch {
    return null
  }
}

/** Rows after the cursor in ascending (key, id) order. */
export const afterKey = (key: SQLWrapper, id: SQLWrapper, cursor: [string, string]): SQL =>
  sql`(${key}, ${id}) > (${cursor[0]}, ${cursor[1]}::uuid)`

/** `%term%` for ILIKE, with the pattern characters escaped. */
export const containing = (term: string) => `%${term.replace(/[\\%_]/g, c => `\\${c}`)}%`

export function pageOf<T extends { id: string }>(rows: T[], limit: number, keyOf: (row: T) => string) {
  const data = rows.slice(0, limit)
  const last = data[data.length - 1]
  return { data, nextCursor: rows.length > limit && last ? encodeKey(keyOf(last), last.id) : null }
}
