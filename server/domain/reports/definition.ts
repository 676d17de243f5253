import { z } from 'zod'
import {
  customReportField,
  OPERATORS_FOR,
  REPORT_BUCKETS,
  REPORT_CHARTS,
  REPORT_FIELDS,
  REPORT_MEASURE_FNS,
  REPORT_OPERATORS,
  REPORT_RECORD_TYPES,
  type ReportDefinition,
  type ReportField,
  type ReportFilter,
  type ReportRecordType,
} from '../../../shared/utils/reports'

/**
 * The report definition model: its shape (zod), and its meaning against a record type's
 * whitelist of fields (`checkDefinition`). Pure: a dashboard tile and a scheduled email check and
 * run the same definition the builder saves.
 */

export const DEFAULT_ROW_LIMIT = 1000
export const MAX_ROW_LIMIT = 10_000

const FieldKey = z.string().regex(/^(?:custom\.)?[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'not a field name')
const Scalar = z.union([z.string().max(500), z.number().finite(), z.boolean()])
const FilterValue = z.union([Scalar, z.null(), z.array(z.union([z.string().max(500), z.number().finite()])).max(100)])

export const MeasureSchema = z.object({ fn: z.enum(REPORT_MEASURE_FNS), field: FieldKey.optional() }).strict()
export const GroupSchema = z.object({ field: FieldKey, bucket: z.enum(REPORT_BUCKETS).optional() }).strict()
export const FilterSchema = z.object({ field: FieldKey, op: z.enum(REPORT_OPERATORS), value: FilterValue.optional() }).strict()

/**
 * Filters as a list of `{ field, op, value }`, or as a saved view names them (`{ stage: 'won',
 * source: ['web', 'referral'] }`: a value is `eq`, a list is `in`).
 */
const Filters = z.preprocess(
  value => value && typeof value === 'object' && !Array.isArray(value)
    ? Object.entries(value).map(([field, v]) => ({ field, op: Array.isArray(v) ? 'in' : 'eq', value: v }))
    : value,
  z.array(FilterSchema).max(20),
)

export const DefinitionShape = {
  recordType: z.enum(REPORT_RECORD_TYPES),
  measures: z.array(MeasureSchema).min(1, 'at least one measure').max(6),
  groupBy: z.array(GroupSchema).max(3).default([]),
  filters: Filters.default([]),
  limit: z.number().int().min(1).max(MAX_ROW_LIMIT).optional(),
}

/** `POST /api/v1/reports/run`'s body. */
export const DefinitionSchema = z.object(DefinitionShape).strict()

export const ReportQuerySchema = z.object({ format: z.enum(['json', 'csv']).optional() })

const Name = z.string().trim().min(1, 'required').max(100)

/** A saved report: its definition, a name, a chart and whether the team sees it. */
export const SavedReportSchema = z.object({
  ...DefinitionShape,
  name: Name,
  chart: z.enum(REPORT_CHARTS).default('bar'),
  shared: z.boolean().default(false),
}).strict()

export const SavedReportPatchSchema = z.object({
  recordType: DefinitionShape.recordType.optional(),
  measures: DefinitionShape.measures.optional(),
  groupBy: z.array(GroupSchema).max(3).optional(),
  filters: Filters.optional(),
  limit: DefinitionShape.limit.nullable(),
  name: Name.optional(),
  chart: z.enum(REPORT_CHARTS).optional(),
  shared: z.boolean().optional(),
}).partial().strict().refine(p => Object.keys(p).length > 0, 'nothing to change')

/** A record type's fields: the built-in ones and the tenant's custom fields. */
export function catalogOf(
  recordType: ReportRecordType,
  custom: readonly { key: string, label: string, type: 'text' | 'number' | 'date' | 'boolean' | 'select' }[],
): ReportField[] {
  return [...REPORT_FIELDS[recordType], ...custom.map(customReportField)]
}

type Issue = { path: string, message: string }

const DATE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Whether a date string is a real day of years 1900-9999 (so casting it can never fail). */
function isDay(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false
  const year = Number(value.slice(0, 4))
  if (year < 1900) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
}

/** What one value of a field type must be; null when it is one. */
function valueProblem(type: ReportField['type'], value: unknown): string | null {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < 1e15 ? null : 'must be a number'
    case 'date':
      return isDay(value) ? null : 'must be a date as YYYY-MM-DD (years 1900 to 9999)'
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? null : 'must be an id'
    default:
      return typeof value === 'string' ? null : 'must be text'
  }
}

function filterIssues(filter: ReportFilter, field: ReportField, path: string): Issue[] {
  if (!OPERATORS_FOR[field.type].includes(filter.op)) {
    const allowed = OPERATORS_FOR[field.type].join(', ')
    return [{ path: `${path}.op`, message: `${filter.op} does not apply to ${field.label} (one of ${allowed})` }]
  }
  const value = filter.value
  if (filter.op === 'isEmpty') {
    return value === undefined || typeof value === 'boolean' ? [] : [{ path: `${path}.value`, message: 'must be true, false or left out' }]
  }
  if (filter.op === 'in') {
    if (!Array.isArray(value) || value.length === 0) return [{ path: `${path}.value`, message: 'must be a list of values' }]
    const bad = value.findIndex(v => valueProblem(field.type, v) !== null)
    return bad >= 0 ? [{ path: `${path}.value.${bad}`, message: valueProblem(field.type, value[bad])! }] : []
  }
  if (filter.op === 'between') {
    if (!Array.isArray(value) || value.length !== 2) {
      return [{ path: `${path}.value`, message: 'must be a list of two values, from and to' }]
    }
    const bad = value.findIndex(v => valueProblem(field.type, v) !== null)
    return bad >= 0 ? [{ path: `${path}.value.${bad}`, message: valueProblem(field.type, value[bad])! }] : []
  }
  const problem = valueProblem(field.type, value)
  return problem ? [{ path: `${path}.value`, message: problem }] : []
}

/**
 * The issues of a definition against its record type's fields, each naming the wrong field
 * (`measures.0.field`, `groupBy.1.bucket`, `filters.2.value`); none when it may run. Pure.
 */
export function checkDefinition(def: ReportDefinition, fields: readonly ReportField[]): Issue[] {
  const byKey = new Map(fields.map(field => [field.key, field]))
  const issues: Issue[] = []
  def.measures.forEach((m, i) => {
    if (m.field === undefined) {
      if (m.fn !== 'count') issues.push({ path: `measures.${i}.field`, message: `${m.fn} needs a numeric field` })
      return
    }
    const field = byKey.get(m.field)
    if (!field) issues.push({ path: `measures.${i}.field`, message: 'no such field' })
    else if (m.fn !== 'count' && !field.summable) issues.push({ path: `measures.${i}.field`, message: `${field.label} is not a number` })
  })
  const seen = new Set<string>()
  def.groupBy.forEach((g, i) => {
    const field = byKey.get(g.field)
    if (!field) issues.push({ path: `groupBy.${i}.field`, message: 'no such field' })
    else if (!field.groupable) issues.push({ path: `groupBy.${i}.field`, message: `${field.label} cannot be grouped by` })
    else if (g.bucket && field.type !== 'date') issues.push({ path: `groupBy.${i}.bucket`, message: 'only a date is bucketed' })
    else if (seen.has(g.field)) issues.push({ path: `groupBy.${i}.field`, message: 'appears twice' })
    seen.add(g.field)
  })
  def.filters.forEach((filter, i) => {
    const field = byKey.get(filter.field)
    if (!field) issues.push({ path: `filters.${i}.field`, message: 'no such field' })
    else issues.push(...filterIssues(filter, field, `filters.${i}`))
  })
  return issues
}
