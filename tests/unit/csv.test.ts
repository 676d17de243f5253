import { describe, expect, it } from 'vitest'
import { csvLine } from '../../server/domain/records/csv'

describe('csvLine', () => {
  it('quotes fields with commas, quotes and line breaks, and ends with CRLF', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', null, 42, new Date('2026-11-22T00:00:00Z')]))
      .toBe('plain,"a,b","say ""hi""","two\nlines",,42,2026-11-22T00:00:00.000Z\r\n')
  })

  it('writes objects as JSON and defuses spreadsheet formulas', () => {
    expect(csvLine([{ region: 'emea' }, '=HYPERLINK("x")', '-5', '+1'])).toBe('"{""region"":""emea""}","\'=HYPERLINK(""x"")",\'-5,\'+1\r\n')
  })
})
