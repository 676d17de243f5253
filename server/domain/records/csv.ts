/**
 * A text a spreadsheet would run as a formula: its first visible character is = + - @ (or their
 * full-width, small or minus-sign forms, which some spreadsheets fold to them), possibly behind
 * whitespace and invisible characters (Unicode's default-ignorable code points: zero-width
 * spaces and joiners, BOM, soft hyphen, bidi marks, variation selectors), or it starts with a tab or carriage return. Pure.
 */
const FORMULA = /^(?:[\t\r]|[\s\p{Default_Ignorable_Code_Point}]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE62\uFE63\uFE66\uFE6B\u2212])/u
export const isFormulaLike = (text: string) => FORMULA.test(text)

/** One CSV line (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled. Pure. */
export function csvLine(values: readonly unknown[]): string {
  return values.map((value) => {
    if (value === null || value === undefined) return ''
    const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value)
    // A formula would run in a spreadsheet: prefix it with a quote (CSV injection).
    const safe = isFormulaLike(text) ? `'${text}` : text
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
  }).join(',') + '\r\n'
}
