import { sql, type SQL } from 'drizzle-orm'
import {
  measureKey,
  measureLabel,
  type ReportColumn,
  type ReportDefinition,
  type ReportField,
  type ReportFilter,
  type ReportRecordType,
} from '../../../shared/utils/reports'
import { DEFAULT_ROW_LIMIT } from './definition'

/**
 * Builds a checked report definition into one parameterized statement. Every identifier comes
 * from the whitelist below (`sql.identifier` of a fixed name), every value the caller gave is a
 * parameter — a filter value never becomes SQL text. Row-level security (the caller's
 * transaction) decides which rows are there at all. Pure.
 */

const r = sql.identifier('r')
const col = (name: string) => sql`${r}.${sql.identifier(name)}`

interface Source {
  table: string
  /** The column naming the record's person (`owner`), for names and teams. */
  owner: string
  /** The record types whose owners a limited caller's owner list narrows (an index, not visibility: RLS decides that). */
  ownedOnly: boolean
  /** Built-in field keys to columns. */
  columns: Record<string, string>
  /** Timestamps (`with time zone`); other dates are `date` columns. */
  timestamps: readonly string[]
}

const SOURCES: Record<ReportRecordType, Source> = {
  deals: {
    table: 'deals',
    owner: 'owner_id',
    ownedOnly: true,
    columns: {
      amount: 'amount', probability: 'probability', stage: 'stage', forecastCategory: 'forecast_category', source: 'source',
      product: 'product', currency: 'currency', name: 'name', closeDate: 'close_date', createdAt: 'created_at',
      closedAt: 'closed_at', stageEnteredAt: 'stage_entered_at',
    },
    timestamps: ['createdAt', 'closedAt', 'stageEnteredAt'],
  },
  events: {
    table: 'events',
    owner: 'actor_user_id',
    ownedOnly: false,
    columns: { type: 'type', source: 'source', occurredAt: 'occurred_at' },
    timestamps: ['occurredAt'],
  },
  leads: {
    table: 'leads',
    owner: 'owner_id',
    ownedOnly: true,
    columns: {
      score: 'score', status: 'status', source: 'source', company: 'company', title: 'title', name: 'name', createdAt: 'created_at',
    },
    timestamps: ['createdAt'],
  },
  accounts: {
    table: 'accounts',
    owner: 'owner_id',
    ownedOnly: false,
    columns: { industry: 'industry', source: 'source', name: 'name', domain: 'domain', createdAt: 'created_at' },
    timestamps: ['createdAt'],
  },
  contacts: {
    table: 'contacts',
    owner: 'owner_id',
    ownedOnly: false,
    columns: { title: 'title', source: 'source', lastName: 'last_name', email: 'email', createdAt: 'created_at' },
    timestamps: ['createdAt'],
  },
}

const u = sql.identifier('u')
const t = sql.identifier('t')

/**
 * A field's value. A custom value is read from the `custom` jsonb by its key as a parameter; a
 * number only where the stored value is a JSON number (anything else is null, never a cast error),
 * a date only where it reads as YYYY-MM-DD.
 */
function valueOf(source: Source, field: ReportField): SQL {
  if (field.key === 'owner') return col(source.owner)
  if (field.key === 'team') return sql`${u}.${sql.identifier('team_id')}`
  if (field.key.startsWith('custom.')) {
    const key = field.key.slice('custom.'.length)
    const custom = col('custom')
    if (field.type === 'number') {
      return sql`(case when jsonb_typeof(${custom} -> ${key}::text) = 'number'
        then (${custom} ->> ${key}::text)::numeric end)`
    }
    if (field.type === 'date') {
      return sql`(case when (${custom} ->> ${key}::text) ~ '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$'
        then (${custom} ->> ${key}::text)::date end)`
    }
    return sql`(${custom} ->> ${key}::text)`
  }
  const column = source.columns[field.key]
  if (!column) throw new Error(`report field ${field.key} has no column`) // the catalog and SOURCES disagree: a bug, not input
  return col(column)
}

/** A date field as a day (UTC) for filters. */
function dayOf(source: Source, field: ReportField): SQL {
  return source.timestamps.includes(field.key) ? sql`(${valueOf(source, field)} at time zone 'UTC')::date` : valueOf(source, field)
}

/** A date field as a timestamp (UTC) for buckets. */
function instantOf(source: Source, field: ReportField): SQL {
  return source.timestamps.includes(field.key)
    ? sql`(${valueOf(source, field)} at time zone 'UTC')`
    : sql`${valueOf(source, field)}::timestamp`
}

const CASTS = { number: sql`numeric`, date: sql`date`, uuid: sql`uuid`, text: sql`text`, enum: sql`text` } as const

function param(field: ReportField, value: unknown): SQL {
  return sql`${value}::${CASTS[field.type]}`
}

function condition(source: Source, field: ReportField, filter: ReportFilter): SQL {
  const target = field.type === 'date' ? dayOf(source, field) : valueOf(source, field)
  const value = filter.value
  switch (filter.op) {
    case 'eq': return sql`${target} = ${param(field, value)}`
    case 'neq': return sql`${target} is distinct from ${param(field, value)}`
    case 'gt': return sql`${target} > ${param(field, value)}`
    case 'gte': return sql`${target} >= ${param(field, value)}`
    case 'lt': return sql`${target} < ${param(field, value)}`
    case 'lte': return sql`${target} <= ${param(field, value)}`
    case 'between': {
      const [from, to] = value as [unknown, unknown]
      return sql`${target} between ${param(field, from)} and ${param(field, to)}`
    }
    case 'in': return sql`${target} in (${sql.join((value as unknown[]).map(v => param(field, v)), sql`, `)})`
    case 'contains': return sql`position(lower(${param(field, value)}) in lower(${target}::text)) > 0`
    case 'isEmpty': {
      const empty = field.type === 'text' || field.type === 'enum' ? sql`(${target} is null or ${target} = '')` : sql`${target} is null`
      return value === false ? sql`not ${empty}` : empty
    }
  }
}

export interface BuiltReport {
  query: SQL
  columns: ReportColumn[]
  /** The select's aliases for the columns, in order. */
  aliases: string[]
  limit: number
}

export interface BuildScope {
  tenantId: string
  /** The owners a limited caller sees (null: the whole tenant); narrows owned records by an index, RLS decides anyway. */
  owners: readonly string[] | null
}

/**
 * The statement for a checked definition (see `checkDefinition`). Groups and measure inputs are
 * computed in an inner select and grouped by alias outside, so each parameter appears once.
 */
export function buildReport(def: ReportDefinition, fields: readonly ReportField[], scope: BuildScope): BuiltReport {
  const source = SOURCES[def.recordType]
  const byKey = new Map(fields.map(field => [field.key, field]))
  const limit = def.limit ?? DEFAULT_ROW_LIMIT
  const inner: SQL[] = []
  const outer: SQL[] = []
  const groupAliases: SQL[] = []
  const columns: ReportColumn[] = []
  const aliases: string[] = []

  def.groupBy.forEach((group, i) => {
    const field = byKey.get(group.field)!
    const alias = `g${i}`
    const bucket = field.type === 'date' ? group.bucket ?? 'day' : undefined
    const value = bucket
      ? sql`to_char(date_trunc(${bucket}::text, ${instantOf(source, field)}), 'YYYY-MM-DD')`
      : field.type === 'number' ? valueOf(source, field) : sql`${valueOf(source, field)}::text`
    inner.push(sql`${value} as ${sql.identifier(alias)}`)
    outer.push(sql`${sql.identifier(alias)}`)
    groupAliases.push(sql`${sql.identifier(alias)}`)
    columns.push({ key: field.key, label: field.label, role: 'group', type: field.type, ...(bucket ? { bucket } : {}) })
    aliases.push(alias)
    if (field.key === 'owner' || field.key === 'team') {
      const label = `${alias}_name`
      const name = field.key === 'owner' ? sql`${u}.${sql.identifier('name')}` : sql`${t}.${sql.identifier('name')}`
      inner.push(sql`${name} as ${sql.identifier(label)}`)
      outer.push(sql`${sql.identifier(label)}`)
      groupAliases.push(sql`${sql.identifier(label)}`)
      columns.push({ key: `${field.key}Name`, label: `${field.label} name`, role: 'label', type: 'text' })
      aliases.push(label)
    }
  })

  def.measures.forEach((measure, i) => {
    const alias = sql.identifier(`m${i}`)
    const field = measure.field ? byKey.get(measure.field) : undefined
    if (field) inner.push(sql`${valueOf(source, field)} as ${alias}`)
    const aggregate = measure.fn === 'count'
      ? field ? sql`count(${alias})` : sql`count(*)`
      : measure.fn === 'sum'
        ? sql`sum(${alias})`
        : measure.fn === 'avg'
          ? sql`avg(${alias})`
          : sql`percentile_cont(0.5) within group (order by ${alias})`
    outer.push(sql`${aggregate} as ${alias}`)
    columns.push({
      key: measureKey(measure),
      label: measureLabel(measure, field),
      role: 'measure',
      type: 'number',
      ...(field?.money && measure.fn !== 'count' ? { money: true } : {}),
    })
    aliases.push(`m${i}`)
  })

  const where: SQL[] = [sql`${col('tenant_id')} = ${scope.tenantId}::uuid`]
  if (source.ownedOnly && scope.owners) where.push(sql`${col(source.owner)} = any(${`{${scope.owners.join(',')}}`}::uuid[])`)
  def.filters.forEach(filter => where.push(condition(source, byKey.get(filter.field)!, filter)))

  const from = sql`${sql.identifier(source.table)} ${r}
    left join ${sql.identifier('users')} ${u}
      on ${u}.${sql.identifier('tenant_id')} = ${col('tenant_id')} and ${u}.${sql.identifier('id')} = ${col(source.owner)}
    left join ${sql.identifier('teams')} ${t}
      on ${t}.${sql.identifier('tenant_id')} = ${u}.${sql.identifier('tenant_id')}
      and ${t}.${sql.identifier('id')} = ${u}.${sql.identifier('team_id')}`
  const innerSelect = inner.length ? sql.join(inner, sql`, `) : sql`1 as ${sql.identifier('one')}`
  const grouping = groupAliases.length
    ? sql` group by ${sql.join(groupAliases, sql`, `)} order by ${sql.join(groupAliases.map(a => sql`${a} nulls last`), sql`, `)}`
    : sql``
  const filtered = sql`select ${innerSelect} from ${from} where ${sql.join(where, sql` and `)}`
  const s = sql.identifier('s')
  const query = sql`select ${sql.join(outer, sql`, `)} from (${filtered}) ${s}${grouping} limit ${limit + 1}`
  return { query, columns, aliases, limit }
}

/** The database's rows as the answer's rows: keyed by column, measures as numbers. Pure. */
export function shapeRows(built: BuiltReport, rows: readonly Record<string, unknown>[]) {
  return rows.slice(0, built.limit).map((row) => {
    const out: Record<string, string | number | null> = {}
    built.columns.forEach((column, i) => {
      const value = row[built.aliases[i]!]
      if (value === null || value === undefined) out[column.key] = null
      else if (column.role === 'measure' || column.type === 'number') {
        const n = Number(value)
        out[column.key] = Number.isFinite(n) ? n : null
      }
      else out[column.key] = String(value)
    })
    return out
  })
}
