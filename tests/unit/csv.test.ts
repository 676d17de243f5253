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

describe('the CSV formula guard', () => {
  const cell = (text: string) => csvLine([text]).slice(0, -2)
  it('defuses full-width and small-form = + - @ and the minus sign', () => {
    for (const text of ['＝HYPERLINK("http://x")', '＋1', '－1', '＠SUM(A1)', '﹦1', '﹢1', '﹣1', '﹫x', '\u22121']) {
      expect(cell(text).replace(/^"/, ''), text).toMatch(/^'/)
    }
  })
  it('defuses a formula behind zero-width characters, a BOM, bidi marks or leading whitespace', () => {
    for (const text of [
      '\u200B=1+1',
      '\uFEFF=1',
      '\u200C\u200D=1',
      '\u2060@x',
      '\u200E+1',
      '\u00AD-1',
      ' =1',
      '  \u00A0=1',
      '\t=1',
      '\r=1',
      '\n=1',
      '\u200B\uFF1D1',
      '\u3000=1',
    ]) {
      expect(cell(text).replace(/^"/, ''), JSON.stringify(text)).toMatch(/^'/)
    }
  })
  it('leaves text whose first visible character is not a formula sign alone', () => {
    for (const text of ['hello', 'a=b', '\u200Bhello', ' 42', 'e-mail', 'x@y.test', '＄5']) expect(cell(text), text).toBe(text)
  })
})
