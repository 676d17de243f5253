import { describe, expect, it } from 'vitest'
import { applyCustomValues, type FieldDefinition } from '../../server/domain/records/customFields'

const defs: FieldDefinition[] = [
  { key: 'region', label: 'Region', type: 'select', options: ['emea', 'amer'], required: true },
  { key: 'seats', label: 'Seats', type: 'number', options: [], required: false },
  { key: 'renewal', label: 'Renewal', type: 'date', options: [], required: false },
  { key: 'strategic', label: 'Strategic', type: 'boolean', options: [], required: false },
]

describe('applyCustomValues', () => {
  it('accepts values of the right types and merges them over the existing ones', () => {
    expect(applyCustomValues(defs, { region: 'emea', seats: 10 }, { seats: 25, renewal: '2027-01-31', strategic: true }))
      .toEqual({ custom: { region: 'emea', seats: 25, renewal: '2027-01-31', strategic: true }, issues: [] })
  })

  it('clears a field given null', () => {
    expect(applyCustomValues(defs, { region: 'amer', seats: 3 }, { seats: null }).custom).toEqual({ region: 'amer' })
  })

  it('names every bad field: unknown, wrong type, not an option, a required one missing', () => {
    expect(applyCustomValues(defs, {}, { colour: 'red', seats: 'ten', renewal: '31.01.2027', strategic: 'yes' }).issues).toEqual([
      { path: 'custom.colour', message: 'no such field' },
      { path: 'custom.seats', message: 'must be a number' },
      { path: 'custom.renewal', message: 'must be a date as YYYY-MM-DD' },
      { path: 'custom.strategic', message: 'must be true or false' },
      { path: 'custom.region', message: 'Region is required' },
    ])
    expect(applyCustomValues(defs, {}, { region: 'apac' }).issues).toEqual([
      { path: 'custom.region', message: 'must be one of emea, amer' },
      { path: 'custom.region', message: 'Region is required' },
    ])
  })
})
