/** One CSV line (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled. Pure. */
export function csvLine(values: readonly unknown[]): string {
  return values.map((value) => {
    if (value === null || value === undefined) return ''
    const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value)
    // A leading = + - @ would run as a formula in a spreadsheet: prefix it (CSV injection).
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
  }).join(',') + '\r\n'
}
