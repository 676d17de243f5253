/**
 * The report builder's whitelist, shared by the server (which builds SQL only from it) and the
 * builder page: the record types, their fields, the operators, the date buckets and the charts.
 * A tenant's custom fields join these as `custom.<key>` (server/domain/reports/catalog.ts). Pure.
 */

export const REPORT_RECORD_TYPES = ['deals', 'events', 'leads', 'accounts', 'contacts'] as const
export type ReportRecordType = (typeof REPORT_RECORD_TYPES)[number]

export const REPORT_FIELD_TYPES = ['number', 'text', 'date', 'enum', 'uuid'] as const
export type ReportFieldType = (typeof REPORT_FIELD_TYPES)[number]

export const REPORT_MEASURE_FNS = ['count', 'sum', 'avg', 'median'] as const
export type ReportMeasureFn = (typeof REPORT_MEASURE_FNS)[number]

export const REPORT_BUCKETS = ['day', 'week', 'month', 'quarter'] as const
export type ReportBucket = (typeof REPORT_BUCKETS)[number]

export const REPORT_OPERATORS = ['eq', 'neq', 'in', 'contains', 'gt', 'gte', 'lt', 'lte', 'between', 'isEmpty'] as const
export type ReportOperator = (typeof REPORT_OPERATORS)[number]

export const REPORT_CHARTS = ['bar', 'line', 'area', 'pie', 'table', 'number'] as const
export type ReportChart = (typeof REPORT_CHARTS)[number]

/** The record types as people name them. */
export const REPORT_RECORD_LABELS: Record<ReportRecordType, string> = {
  deals: 'Deals',
  events: 'Activities',
  leads: 'Leads',
  accounts: 'Accounts',
  contacts: 'Contacts',
}

/** The custom-field entity behind a record type (events have none). */
export const REPORT_CUSTOM_ENTITY: Record<ReportRecordType, 'deal' | 'account' | 'contact' | 'lead' | null> = {
  deals: 'deal',
  events: null,
  leads: 'lead',
  accounts: 'account',
  contacts: 'contact',
}

export interface ReportField {
  key: string
  label: string
  type: ReportFieldType
  /** May be a group-by (a date is grouped by a bucket). */
  groupable: boolean
  /** May be summed, averaged or its median taken. */
  summable: boolean
  /** An amount of money (in the tenant's currency). */
  money?: boolean
}

const f = (key: string, label: string, type: ReportFieldType, extra: Partial<ReportField> = {}): ReportField => ({
  key,
  label,
  type,
  groupable: type !== 'text' || ['source', 'product', 'industry', 'title', 'company', 'currency'].includes(key),
  summable: type === 'number',
  ...extra,
})

const people = [f('owner', 'Owner', 'uuid'), f('team', 'Team', 'uuid')]

/** The built-in fields of each record type; `owner` and `team` answer names too. */
export const REPORT_FIELDS: Record<ReportRecordType, readonly ReportField[]> = {
  deals: [
    f('amount', 'Amount', 'number', { money: true }),
    f('probability', 'Probability override', 'number'),
    f('stage', 'Stage', 'enum'),
    f('forecastCategory', 'Forecast category', 'enum'),
    f('source', 'Source', 'text'),
    f('product', 'Product', 'text'),
    f('currency', 'Currency', 'text'),
    f('name', 'Name', 'text'),
    ...people,
    f('closeDate', 'Close date', 'date'),
    f('createdAt', 'Created', 'date'),
    f('closedAt', 'Closed', 'date'),
    f('stageEnteredAt', 'Entered stage', 'date'),
  ],
  events: [
    f('type', 'Type', 'enum'),
    f('source', 'Source', 'text'),
    f('owner', 'Actor', 'uuid'),
    f('team', 'Team', 'uuid'),
    f('occurredAt', 'Occurred', 'date'),
  ],
  leads: [
    f('score', 'Score', 'number'),
    f('status', 'Status', 'enum'),
    f('source', 'Source', 'text'),
    f('company', 'Company', 'text'),
    f('title', 'Title', 'text'),
    f('name', 'Name', 'text'),
    ...people,
    f('createdAt', 'Created', 'date'),
  ],
  accounts: [
    f('industry', 'Industry', 'text'),
    f('source', 'Source', 'text'),
    f('name', 'Name', 'text'),
    f('domain', 'Domain', 'text'),
    ...people,
    f('createdAt', 'Created', 'date'),
  ],
  contacts: [
    f('title', 'Title', 'text'),
    f('source', 'Source', 'text'),
    f('lastName', 'Last name', 'text'),
    f('email', 'Email', 'text'),
    ...people,
    f('createdAt', 'Created', 'date'),
  ],
}

/** A custom field definition as a report field: numbers are summable; text is groupable like a select. */
export function customReportField(def: {
  key: string
  label: string
  type: 'text' | 'number' | 'date' | 'boolean' | 'select'
}): ReportField {
  const type: ReportFieldType = def.type === 'number' ? 'number' : def.type === 'date' ? 'date' : def.type === 'text' ? 'text' : 'enum'
  return { key: `custom.${def.key}`, label: def.label, type, groupable: true, summable: type === 'number' }
}

/** Which operators a field type takes. */
export const OPERATORS_FOR: Record<ReportFieldType, readonly ReportOperator[]> = {
  number: ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'between', 'isEmpty'],
  date: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'isEmpty'],
  text: ['eq', 'neq', 'in', 'contains', 'isEmpty'],
  enum: ['eq', 'neq', 'in', 'contains', 'isEmpty'],
  uuid: ['eq', 'neq', 'in', 'isEmpty'],
}

export interface ReportMeasure { fn: ReportMeasureFn, field?: string }
export interface ReportGroup { field: string, bucket?: ReportBucket }
export interface ReportFilter { field: string, op: ReportOperator, value?: unknown }

/** A report's definition: what `POST /api/v1/reports/run` takes, and what a saved report keeps. */
export interface ReportDefinition {
  recordType: ReportRecordType
  measures: ReportMeasure[]
  groupBy: ReportGroup[]
  filters: ReportFilter[]
  limit?: number
}

/** A column of a run's answer: a group (its value), a group's name (owner, team) or a measure. */
export interface ReportColumn {
  key: string
  label: string
  role: 'group' | 'label' | 'measure'
  type: ReportFieldType
  money?: boolean
  bucket?: ReportBucket
}

export interface ReportResult {
  columns: ReportColumn[]
  rows: Record<string, string | number | null>[]
  /** More groups than the row limit: the rest were left off. */
  truncated: boolean
  /** The tenant's currency; amounts are summed as stored (no conversion yet, issue #26). */
  currency: string
}

/** A saved report as `GET /api/v1/reports` answers it. */
export interface SavedReport extends ReportDefinition {
  id: string
  name: string
  chart: ReportChart
  shared: boolean
  mine: boolean
  ownerId: string
  ownerName: string | null
  createdAt: string
  updatedAt: string
}

/** The key of a measure's column: `count`, `sum_amount`, `avg_custom_score`. */
export const measureKey = (m: ReportMeasure) => (m.field ? `${m.fn}_${m.field.replace(/\W+/g, '_')}` : m.fn)

const FN_LABELS: Record<ReportMeasureFn, string> = { count: 'Count', sum: 'Sum', avg: 'Average', median: 'Median' }

/** A measure's label: `Count`, `Sum of Amount`. */
export const measureLabel = (m: ReportMeasure, field?: ReportField) =>
  m.field ? `${FN_LABELS[m.fn]} of ${field?.label ?? m.field}` : FN_LABELS[m.fn]
