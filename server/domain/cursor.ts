import { storable } from './security/body'

/** Keyset cursors: the last row's (time, id) of a page, opaque to clients. */
export interface Cursor { at: Date, id: string }

export const encodeCursor = (at: Date, id: string) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url')

/** A UUID as PostgreSQL's uuid type reads it (8-4-4-4-12 hex digits). */
export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)

/**
 * The years a cursor's time may be in: what `toISOString` writes with four digits and the
 * database reads back (there is no year 0 in PostgreSQL). Wider than the API's input range, so
 * a page of older data still has a cursor.
 */
const cursorTime = (at: Date) => !Number.isNaN(at.getTime()) && at.getUTCFullYear() >= 1 && at.getUTCFullYear() <= 9999

/** The cursor, or null when it is not one this API hands out (its time and id are checked as the database will read them). */
export function decodeCursor(cursor: string): Cursor | null {
  const [iso, id, extra] = Buffer.from(cursor, 'base64url').toString().split('|')
  if (extra !== undefined || !id || !isUuid(id) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(iso ?? '')) return null
  const at = new Date(iso!)
  return cursorTime(at) && at.toISOString() === iso ? { at, id } : null
}

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
