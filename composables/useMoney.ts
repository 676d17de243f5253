/** One formatter per currency and precision: building an Intl.NumberFormat costs far more than formatting with one. */
const formatters = new Map<string, Intl.NumberFormat>()

/** Formats an amount for display: `$12,500` (no cents above 1,000). */
export function formatMoney(amount: string | number, currency = 'USD') {
  const value = Number(amount)
  const digits = Math.abs(value) >= 1000 ? 0 : 2
  const key = `${currency}:${digits}`
  let formatter = formatters.get(key)
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: digits })
    formatters.set(key, formatter)
  }
  return formatter.format(value)
}
