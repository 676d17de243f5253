import { PgDialect } from 'drizzle-orm/pg-core'
import { describe, expect, it } from 'vitest'
import { catalogOf, checkDefinition, DefinitionSchema } from '../../server/domain/reports/definition'
import { buildReport } from '../../server/domain/reports/sql'

const dialect = new PgDialect()
const tenantId = '11111111-1111-4111-8111-111111111111'
const fields = catalogOf('deals', [{ key: 'score', label: 'Score', type: 'number' }])
const build = (body: unknown, owners: string[] | null = null) => {
  const def = DefinitionSchema.parse(body)
  expect(checkDefinition(def, fields)).toEqual([])
  return dialect.sqlToQuery(buildReport(def, fields, { tenantId, owners }).query)
}

describe('the report builder', () => {
  it('builds deals by stage as one parameterized statement', () => {
    const q = build({ recordType: 'deals', measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }], groupBy: [{ field: 'stage' }] })
    expect(q.sql).toMatchSnapshot()
    expect(q.params).toEqual([tenantId, 1001])
  })

  it('buckets dates in UTC, names owners and narrows a rep to their own deals', () => {
    const q = build({
      recordType: 'deals',
      measures: [{ fn: 'median', field: 'custom.score' }],
      groupBy: [{ field: 'createdAt', bucket: 'quarter' }, { field: 'owner' }],
      filters: [{ field: 'amount', op: 'between', value: [10, 20] }],
      limit: 5,
    }, ['22222222-2222-4222-8222-222222222222'])
    expect(q.sql).toMatchSnapshot()
    expect(q.params).toEqual(['quarter', 'score', 'score', tenantId, '{22222222-2222-4222-8222-222222222222}', 10, 20, 6])
  })

  it('keeps a malicious filter value a parameter', () => {
    const evil = '\'; drop table deals; --'
    const q = build({ recordType: 'deals', measures: [{ fn: 'count' }], filters: { stage: evil } })
    expect(q.sql).not.toContain('drop table')
    expect(q.params).toContain(evil)
  })

  it('names the wrong field of a definition', () => {
    const def = DefinitionSchema.parse({
      recordType: 'deals',
      measures: [{ fn: 'sum', field: 'stage' }, { fn: 'avg' }],
      groupBy: [{ field: 'nope' }, { field: 'stage', bucket: 'day' }],
      filters: [{ field: 'amount', op: 'contains', value: 'x' }, { field: 'closeDate', op: 'gt', value: '2026-02-30' }],
    })
    expect(checkDefinition(def, fields).map(i => i.path)).toEqual([
      'measures.0.field', 'measures.1.field', 'groupBy.0.field', 'groupBy.1.bucket', 'filters.0.op', 'filters.1.value',
    ])
  })
})
