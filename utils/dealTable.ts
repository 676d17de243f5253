import { formatMoney } from '../composables/useMoney'
import { formatDay, type DealRow } from './board'
import { MOMENTUM_LOOK } from './momentum'

/** The columns of the deal table: what each shows, and the API sort behind a sortable one. */
export interface DealColumn {
  key: string
  label: string
  sort?: 'name' | 'amount' | 'closeDate' | 'createdAt'
  align?: 'right'
}

export const DEAL_COLUMNS: readonly DealColumn[] = [
  { key: 'name', label: 'Deal', sort: 'name' },
  { key: 'account', label: 'Account' },
  { key: 'stage', label: 'Stage' },
  { key: 'amount', label: 'Amount', sort: 'amount', align: 'right' },
  { key: 'closeDate', label: 'Close date', sort: 'closeDate' },
  { key: 'owner', label: 'Owner' },
  { key: 'momentum', label: 'Momentum' },
  { key: 'tags', label: 'Tags' },
  { key: 'probability', label: 'Probability', align: 'right' },
  { key: 'forecastCategory', label: 'Forecast category' },
  { key: 'product', label: 'Product' },
  { key: 'source', label: 'Source' },
  { key: 'createdAt', label: 'Created', sort: 'createdAt' },
]

export const DEFAULT_DEAL_COLUMNS = ['name', 'account', 'stage', 'amount', 'closeDate', 'owner', 'momentum', 'tags']

const CATEGORY_NAMES: Record<string, string> = {
  pipeline: 'Pipeline',
  best_case: 'Best case',
  commit: 'Commit',
  closed: 'Closed',
  omitted: 'Omitted',
}

/** A cell as text (for the CSV, and the plain cells of the table). Pure. */
export function dealCellText(deal: DealRow, key: string, stageName: (key: string) => string): string {
  switch (key) {
    case 'name':
      return deal.name
    case 'account':
      return deal.accountName ?? ''
    case 'stage':
      return stageName(deal.stage)
    case 'amount':
      return formatMoney(deal.amount, deal.currency)
    case 'closeDate':
      return formatDay(deal.closeDate)
    case 'owner':
      return deal.ownerName ?? ''
    case 'momentum':
      return deal.momentum?.state
        ? `${MOMENTUM_LOOK[deal.momentum.state].label}${deal.momentum.score === null ? '' : ` (${deal.momentum.score})`}`
        : ''
    case 'tags':
      return deal.tags.join(', ')
    case 'probability':
      return deal.probability === null ? '' : `${deal.probability}%`
    case 'forecastCategory':
      return deal.forecastCategory ? (CATEGORY_NAMES[deal.forecastCategory] ?? deal.forecastCategory) : ''
    case 'product':
      return deal.product ?? ''
    case 'source':
      return deal.source
    case 'createdAt':
      return formatDay(deal.createdAt)
    default:
      return ''
  }
}

const csvField = (value: string) =>
  /[",\n\r]/.test(value) || /^[=+\-@\t\r]/.test(value)
    ? `"${(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value).replace(/"/g, '""')}"`
    : value

/**
 * The rows in view as CSV, with the columns shown, as people read them (stage names, money with
 * its currency, dates); cells that a spreadsheet would run as formulas are quoted. Pure.
 */
export function dealsCsv(deals: readonly DealRow[], columns: readonly string[], stageName: (key: string) => string) {
  const shown = DEAL_COLUMNS.filter(c => columns.includes(c.key))
  const lines = [shown.map(c => csvField(c.label)).join(',')]
  for (const deal of deals) lines.push(shown.map(c => csvField(dealCellText(deal, c.key, stageName))).join(','))
  return `${lines.join('\r\n')}\r\n`
}

/** What a refused bulk row means, in words (stage names, the deal's name when known). Pure. */
export function refusalText(
  refusal: { id: string, reason: string, allowed?: string[] },
  dealName: string | undefined,
  stageName: (key: string) => string,
) {
  const who = dealName ?? 'A deal you cannot see'
  if (refusal.reason === 'not found') return `${who}: not found (deleted, or not yours to change).`
  if (refusal.allowed) {
    const where = refusal.allowed.map(stageName)
    return `${who}: its stage does not allow that move; from here it can go to ${where.length ? where.join(' or ') : 'no other stage'}.`
  }
  return `${who}: ${refusal.reason}.`
}
