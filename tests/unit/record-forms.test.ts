import { describe, expect, it } from 'vitest'
import { changedOf, listStateOfQuery } from '../../composables/useListState'
import { customBody, fieldKeyOf, formatCustomValue, type CustomField } from '../../utils/customFields'
import { humanize, sourceLabel } from '../../shared/utils/labels'

const field = (key: string, type: CustomField['type'], extra: Partial<CustomField> = {}): CustomField =>
  ({ key, label: key, type, options: [], required: false, ...extra })

describe('custom field values in forms and pages', () => {
  const fields = [
    field('seats', 'number'), field('region', 'select', { options: ['EMEA'] }), field('renewal', 'date'), field('vip', 'boolean'),
  ]

  it('sends typed numbers, clears emptied fields with null and leaves untouched ones out', () => {
    expect(customBody(fields, { seats: '12', region: '', vip: false })).toEqual({ seats: 12, region: null, vip: false })
  })

  it('shows values as people read them, and nothing for an unset one', () => {
    expect(formatCustomValue(fields[0]!, 12500)).toBe('12,500')
    expect(formatCustomValue(fields[2]!, '2027-03-31')).toBe('Mar 31, 2027')
    expect(formatCustomValue(fields[3]!, true)).toBe('Yes')
    expect(formatCustomValue(fields[3]!, false)).toBe('No')
    expect(formatCustomValue(fields[1]!, undefined)).toBe('')
  })

  it('derives a field key the API accepts from its label', () => {
    expect(fieldKeyOf('Contract end')).toBe('contract_end')
    expect(fieldKeyOf('  2nd Région! ')).toBe('nd_region')
    expect(fieldKeyOf('Seats (licensed)')).toMatch(/^[a-z][a-z0-9_]{0,39}$/)
  })
})

describe('labels for stored keys', () => {
  it('turns snake_case and kebab-case keys into words', () => {
    expect(humanize('no_answer')).toBe('No answer')
    expect(humanize('closed-won')).toBe('Closed won')
    expect(humanize('')).toBe('')
  })

  it('names the known lead sources and humanizes any other', () => {
    expect(sourceLabel('inbound')).toBe('Inbound')
    expect(sourceLabel('trade_show')).toBe('Trade show')
  })
})

describe('a list state kept in the URL', () => {
  const defaults = { q: '', sort: 'name', industry: 'all' }

  it('reads the known keys from the query, the defaults where it has none', () => {
    expect(listStateOfQuery(defaults, { industry: 'Software', page: '2', sort: ['createdAt'] }))
      .toEqual({ q: '', sort: 'createdAt', industry: 'Software' })
  })

  it('keeps only what differs from the defaults', () => {
    expect(changedOf(defaults, { q: 'acme', sort: 'name', industry: 'all' })).toEqual({ q: 'acme' })
  })
})
