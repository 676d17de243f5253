/** Formats an amount for display: `$12,500` (no cents above 1,000). */
export function formatMoney(amount: string | number, currency = 'USD') {
  const value = Number(amount)
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: Math.abs(value) >= 1000 ? 0 : 2 }).format(value)
}
