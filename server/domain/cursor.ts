/** Keyset cursors: the last row's (time, id) of a page, opaque to clients. */
export interface Cursor { at: Date, id: string }

export const encodeCursor = (at: Date, id: string) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url')

export function decodeCursor(cursor: string): Cursor | null {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|')
  const at = new Date(iso ?? '')
  return id && /^[0-9a-f-]{36}$/i.test(id) && !Number.isNaN(at.getTime()) ? { at, id } : null
}
