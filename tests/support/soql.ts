/**
 * The SOQL the sync sends, parsed and run for real over records in memory (the local
 * Salesforce of the tests): `SELECT a, b FROM Obj [WHERE cond [AND cond]…] [ORDER BY f [ASC|DESC], …] [LIMIT n]`,
 * where a condition is `field op literal` (=, !=, <, <=, >, >=) or `field IN (literal, …)`, and a
 * literal is a datetime (2026-01-01T00:00:00Z), a date, a 'string', a number, true, false or null.
 */

export type SfValue = string | number | boolean | null
export type SfRow = Record<string, SfValue>

interface Condition { field: string, op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN', value: SfValue | SfValue[] }
export interface Soql {
  fields: string[]
  object: string
  where: Condition[]
  orderBy: { field: string, desc: boolean }[]
  limit: number | null
}

export class SoqlError extends Error {
  constructor(message: string, readonly errorCode = 'MALFORMED_QUERY') {
    super(message)
  }
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/

function literal(token: string): SfValue {
  if (/^'.*'$/s.test(token)) return token.slice(1, -1).replace(/\\'/g, '\'')
  if (/^(true|false)$/i.test(token)) return token.toLowerCase() === 'true'
  if (/^null$/i.test(token)) return null
  if (DATETIME.test(token) || /^\d{4}-\d{2}-\d{2}$/.test(token)) return token
  if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token)
  throw new SoqlError(`unexpected token: ${token}`)
}

export function parseSoql(soql: string): Soql {
  const match = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+(.+?))?(?:\s+LIMIT\s+(\d+))?\s*$/is.exec(soql)
  if (!match) throw new SoqlError(`unexpected query: ${soql.slice(0, 80)}`)
  const [, fieldList, object, whereText, orderText, limitText] = match
  const where = whereText
    ? whereText.split(/\s+AND\s+/i).map((part) => {
        const inMatch = /^(\w+)\s+IN\s*\((.*)\)$/is.exec(part.trim())
        if (inMatch) return { field: inMatch[1]!, op: 'IN' as const, value: inMatch[2]!.split(',').map(v => literal(v.trim())) }
        const cmp = /^(\w+)\s*(!=|<=|>=|=|<|>)\s*(.+)$/s.exec(part.trim())
        if (!cmp) throw new SoqlError(`unexpected condition: ${part}`)
        return { field: cmp[1]!, op: cmp[2] as Condition['op'], value: literal(cmp[3]!.trim()) }
      })
    : []
  const orderBy = orderText
    ? orderText.split(',').map((part) => {
        const [field, direction] = part.trim().split(/\s+/)
        return { field: field!, desc: direction?.toUpperCase() === 'DESC' }
      })
    : []
  return { fields: fieldList!.split(',').map(f => f.trim()), object: object!, where, orderBy, limit: limitText ? Number(limitText) : null }
}

/** Datetimes compare by instant, dates and strings as text, numbers as numbers; null sorts first. */
function compare(a: SfValue | undefined, b: SfValue | undefined): number {
  if (a == null || b == null) return a == null ? (b == null ? 0 : -1) : 1
  if (typeof a === 'string' && typeof b === 'string' && DATETIME.test(a) && DATETIME.test(b)) {
    return Date.parse(a.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) - Date.parse(b.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
}

function holds(row: SfRow, c: Condition): boolean {
  const value = row[c.field]
  if (c.op === 'IN') return (c.value as SfValue[]).some(v => compare(value, v) === 0 && value != null)
  if (c.value === null) return c.op === '=' ? value == null : c.op === '!=' ? value != null : false
  if (value == null) return c.op === '!='
  const d = compare(value, c.value as SfValue)
  return { '=': d === 0, '!=': d !== 0, '<': d < 0, '<=': d <= 0, '>': d > 0, '>=': d >= 0 }[c.op]
}

/** Runs a parsed query: filter, sort, limit, then only the selected fields. */
export function runSoql(query: Soql, rows: readonly SfRow[]): SfRow[] {
  const known = new Set(rows.flatMap(r => Object.keys(r)))
  for (const field of [...query.fields, ...query.where.map(w => w.field), ...query.orderBy.map(o => o.field)]) {
    if (rows.length && !known.has(field) && field !== 'Id')
      throw new SoqlError(`No such column '${field}' on entity '${query.object}'`, 'INVALID_FIELD')
  }
  const filtered = rows.filter(r => query.where.every(c => holds(r, c)))
  filtered.sort((a, b) => {
    for (const o of query.orderBy) {
      const d = compare(a[o.field], b[o.field])
      if (d) return o.desc ? -d : d
    }
    return 0
  })
  const limited = query.limit === null ? filtered : filtered.slice(0, query.limit)
  return limited.map(r => Object.fromEntries(query.fields.map(f => [f, r[f] ?? null])))
}
